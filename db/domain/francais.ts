// French wording rules, once for every page, email and script. Use them rather than "(s)" or a hand-written
// "de" so new pages read well:
//   nombre(1, 'structure active', 'structures actives')  → "1 structure active" (0 and 1 are singular in French)
//   accord(n, 'enregistrée', 'enregistrées')            → the word alone, for the rest of a sentence
//   de('Inès Martin') → "d'Inès Martin", de('Paul') → "de Paul" (elision before a vowel or a mute h)
//   dateEnFrancais(date) → "1er juin 2026" (Paris time), dureeEnFrancais(90_000) → "2 minutes"
// People's gender is unknown: write sentences that do not need it ("La demande de X est envoyée", not
// "X est ajoutée").

const ELISION = /^[aeiouyàâäéèêëîïôöùûüœæh]/i;

/** The word for a count: plural from 2 on. */
export function accord(n: number, singulier: string, pluriel: string): string {
  return Math.abs(n) >= 2 ? pluriel : singulier;
}

/** A count with its word: "1 demande", "3 demandes", "0 demande". */
export function nombre(n: number, singulier: string, pluriel: string): string {
  return `${n} ${accord(n, singulier, pluriel)}`;
}

/** "de" or "d'" before a name or a noun: "Formation d'Inès Martin", "Test Pix de Paul Durand". */
export function de(mot: string): string {
  return ELISION.test(mot.trim()) ? `d'${mot.trim()}` : `de ${mot.trim()}`;
}

/** The first letter in capitals, for a phrase that starts a sentence. */
export function majuscule(texte: string): string {
  return texte.charAt(0).toUpperCase() + texte.slice(1);
}

const MOIS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** "1er juin 2026", "12 mars 2027": a day as people write it (Paris time). */
export function dateEnFrancais(date: Date | number | string): string {
  const d = typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T12:00:00Z`) : new Date(date);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'numeric', year: 'numeric' }).formatToParts(d).map((p) => [p.type, p.value]),
  );
  const jour = Number(parts.day);
  return `${jour === 1 ? '1er' : jour} ${MOIS[Number(parts.month) - 1]} ${parts.year}`;
}

/** A waiting time, rounded up: "30 secondes", "1 minute", "4 minutes", "1 heure", "1 heure 15 minutes". */
export function dureeEnFrancais(ms: number): string {
  const secondes = Math.max(1, Math.ceil(ms / 1000));
  if (secondes < 60) return nombre(secondes, 'seconde', 'secondes');
  const minutes = Math.ceil(secondes / 60);
  if (minutes < 60) return nombre(minutes, 'minute', 'minutes');
  const heures = Math.floor(minutes / 60);
  const reste = minutes % 60;
  return reste ? `${nombre(heures, 'heure', 'heures')} ${nombre(reste, 'minute', 'minutes')}` : nombre(heures, 'heure', 'heures');
}

/** A pivot birthdate (YYYY-MM-DD, day or month 00 when FranceConnect does not know it) written for a reader. */
export function dateNaissance(birthdate: string): string {
  const [annee, mois, jour] = birthdate.split('-');
  if (mois === '00') return `${annee} (jour et mois inconnus)`;
  if (jour === '00') return `${mois}/${annee} (jour inconnu)`;
  return `${jour}/${mois}/${annee}`;
}

/** « né(e) le 12/03/1948 », « né(e) en mars 1948 », « né(e) en 1948 »: what FranceConnect knows of the birthdate. */
export function neLe(birthdate: string): string {
  const [annee, mois, jour] = birthdate.split('-');
  if (mois === '00') return `né(e) en ${annee}`;
  if (jour === '00') return `né(e) en ${MOIS[Number(mois) - 1]} ${annee}`;
  return `né(e) le ${jour}/${mois}/${annee}`;
}
