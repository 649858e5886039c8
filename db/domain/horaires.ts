// Opening hours of a structure (issue 20): when its aidants are expected to create and use mandats. A mandat
// created or an autorisation used outside them raises an alert (db/domain/alertes.ts). Stored in
// `structures.opening_hours` (jsonb, migration 001): ranges keyed by ISO weekday ("1" = Monday … "7" =
// Sunday), plus `feries: true` when the structure opens on public holidays. A structure that never set its
// hours gets the default: Monday to Friday, 8:00–19:00, closed on public holidays. Times are Paris time
// (metropolitan France: the service's structures are there, overseas ones set their own hours in Paris time).
export const FUSEAU_HORAIRE = 'Europe/Paris';

export type JourIso = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const JOURS_ISO: readonly JourIso[] = [1, 2, 3, 4, 5, 6, 7];
export const NOMS_JOURS: Record<JourIso, string> = { 1: 'Lundi', 2: 'Mardi', 3: 'Mercredi', 4: 'Jeudi', 5: 'Vendredi', 6: 'Samedi', 7: 'Dimanche' };

/** [début, fin[ in "HH:MM", début < fin. */
export type Plage = [string, string];

export interface Horaires {
  jours: Record<JourIso, Plage[]>;
  /** Open on public holidays (with the hours of that weekday). */
  ouvertJoursFeries: boolean;
  /** True when the structure never set its hours (the default applies). */
  parDefaut: boolean;
}

/** At most this many ranges a day (morning and afternoon). */
export const PLAGES_PAR_JOUR = 2;

export const HORAIRES_PAR_DEFAUT: Horaires = {
  jours: { 1: [['08:00', '19:00']], 2: [['08:00', '19:00']], 3: [['08:00', '19:00']], 4: [['08:00', '19:00']], 5: [['08:00', '19:00']], 6: [], 7: [] },
  ouvertJoursFeries: false,
  parDefaut: true,
};

const HEURE = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
const minutes = (h: string) => Number(h.slice(0, 2)) * 60 + Number(h.slice(3, 5));
/** "24:00" closes a day that ends at midnight. */
const estHeure = (h: unknown, fin = false): h is string => typeof h === 'string' && (HEURE.test(h) || (fin && h === '24:00'));

function plagesValides(plages: unknown): plages is Plage[] {
  if (!Array.isArray(plages) || plages.length > PLAGES_PAR_JOUR) return false;
  let finPrecedente = -1;
  for (const p of plages) {
    if (!Array.isArray(p) || p.length !== 2 || !estHeure(p[0]) || !estHeure(p[1], true)) return false;
    const [d, f] = [minutes(p[0]), minutes(p[1])];
    if (d >= f || d < finPrecedente) return false;
    finPrecedente = f;
  }
  return true;
}

/** The stored jsonb as hours: the default when nothing (or nothing valid) was stored. */
export function lireHoraires(stocke: unknown): Horaires {
  if (!stocke || typeof stocke !== 'object') return HORAIRES_PAR_DEFAUT;
  const s = stocke as Record<string, unknown>;
  if (!JOURS_ISO.some((j) => Object.hasOwn(s, String(j)))) return HORAIRES_PAR_DEFAUT;
  const jours = {} as Record<JourIso, Plage[]>;
  for (const j of JOURS_ISO) {
    const plages = s[String(j)] ?? [];
    if (!plagesValides(plages)) return HORAIRES_PAR_DEFAUT;
    jours[j] = plages.map((p) => [p[0], p[1]]);
  }
  return { jours, ouvertJoursFeries: s.feries === true, parDefaut: false };
}

/** What is stored in `structures.opening_hours`. */
export function horairesAStocker(h: Pick<Horaires, 'jours' | 'ouvertJoursFeries'>): Record<string, unknown> {
  const stocke: Record<string, unknown> = {};
  for (const j of JOURS_ISO) stocke[String(j)] = h.jours[j];
  if (h.ouvertJoursFeries) stocke.feries = true;
  return stocke;
}

/**
 * The form of the hours (fields `j<jour>_debut<n>` and `j<jour>_fin<n>`, n = 1…2, box `feries`): the hours,
 * or an error per field. An empty range is skipped; a day with none is closed; at least one range in the week.
 */
export function validerHoraires(form: Record<string, unknown>): { ok: true; horaires: Pick<Horaires, 'jours' | 'ouvertJoursFeries'> } | { ok: false; erreurs: Record<string, string> } {
  const erreurs: Record<string, string> = {};
  const jours = {} as Record<JourIso, Plage[]>;
  const texte = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  for (const j of JOURS_ISO) {
    jours[j] = [];
    for (let n = 1; n <= PLAGES_PAR_JOUR; n++) {
      const champ = `j${j}_debut${n}`;
      const d = texte(form[champ]);
      const f = texte(form[`j${j}_fin${n}`]);
      if (!d && !f) continue;
      if (!estHeure(d) || !estHeure(f, true)) {
        erreurs[champ] = `${NOMS_JOURS[j]} : saisissez l’ouverture et la fermeture au format HH:MM, par exemple 08:30 et 12:00.`;
        continue;
      }
      if (minutes(d) >= minutes(f)) {
        erreurs[champ] = `${NOMS_JOURS[j]} : la fermeture doit suivre l’ouverture.`;
        continue;
      }
      jours[j].push([d, f]);
    }
    jours[j].sort((a, b) => minutes(a[0]) - minutes(b[0]));
    if (!erreurs[`j${j}_debut1`] && !plagesValides(jours[j])) erreurs[`j${j}_debut1`] = `${NOMS_JOURS[j]} : les plages horaires se chevauchent.`;
  }
  if (!Object.keys(erreurs).length && JOURS_ISO.every((j) => !jours[j].length)) erreurs.j1_debut1 = 'Indiquez au moins une plage d’ouverture dans la semaine.';
  if (Object.keys(erreurs).length) return { ok: false, erreurs };
  return { ok: true, horaires: { jours, ouvertJoursFeries: form.feries === 'oui' || form.feries === 'on' } };
}

// ---------------------------------------------------------------------------------------------------------
// Public holidays of metropolitan France (Code du travail, art. L3133-1): eight on fixed dates, three from
// Easter (Easter Monday, Ascension, Whit Monday). Alsace-Moselle's two extra days are not counted.

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, "Meeus/Jones/Butcher"): [month, day]. */
export function paques(annee: number): [number, number] {
  const a = annee % 19;
  const b = Math.floor(annee / 100);
  const c = annee % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const mois = Math.floor((h + l - 7 * m + 114) / 31);
  const jour = ((h + l - 7 * m + 114) % 31) + 1;
  return [mois, jour];
}

const cleJour = (annee: number, mois: number, jour: number) => `${annee}-${String(mois).padStart(2, '0')}-${String(jour).padStart(2, '0')}`;

/** The year's public holidays as "YYYY-MM-DD", with their names. */
export function joursFeries(annee: number): Map<string, string> {
  const [mp, jp] = paques(annee);
  const depuisPaques = (jours: number) => {
    const d = new Date(Date.UTC(annee, mp - 1, jp + jours));
    return cleJour(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  };
  return new Map([
    [cleJour(annee, 1, 1), 'Jour de l’an'],
    [depuisPaques(1), 'Lundi de Pâques'],
    [cleJour(annee, 5, 1), 'Fête du Travail'],
    [cleJour(annee, 5, 8), 'Victoire 1945'],
    [depuisPaques(39), 'Ascension'],
    [depuisPaques(50), 'Lundi de Pentecôte'],
    [cleJour(annee, 7, 14), 'Fête nationale'],
    [cleJour(annee, 8, 15), 'Assomption'],
    [cleJour(annee, 11, 1), 'Toussaint'],
    [cleJour(annee, 11, 11), 'Armistice 1918'],
    [cleJour(annee, 12, 25), 'Noël'],
  ]);
}

const formatParis = new Intl.DateTimeFormat('en-GB', {
  timeZone: FUSEAU_HORAIRE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** The instant in Paris: date "YYYY-MM-DD", ISO weekday, minutes since midnight. */
export function heureDeParis(instant: Date): { date: string; annee: number; jour: JourIso; minutes: number } {
  const parts = Object.fromEntries(formatParis.formatToParts(instant).map((p) => [p.type, p.value]));
  const [annee, mois, jour] = [Number(parts.year), Number(parts.month), Number(parts.day)];
  const semaine = new Date(Date.UTC(annee, mois - 1, jour)).getUTCDay();
  return { date: cleJour(annee, mois, jour), annee, jour: (semaine === 0 ? 7 : semaine) as JourIso, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Whether the structure is open at this instant (a public holiday closes it unless it opens on them). */
export function estOuvert(h: Horaires, instant: Date): boolean {
  const p = heureDeParis(instant);
  if (!h.ouvertJoursFeries && joursFeries(p.annee).has(p.date)) return false;
  return h.jours[p.jour].some(([d, f]) => p.minutes >= minutes(d) && p.minutes < minutes(f));
}

/** « 8 h–12 h 30, 13 h 30–17 h » (non-breaking spaces) or « Fermé ». */
export function plagesEnFrancais(plages: Plage[]): string {
  const h = (t: string) => `${Number(t.slice(0, 2))}\u00a0h${t.slice(3) === '00' ? '' : `\u00a0${t.slice(3)}`}`;
  return plages.length ? plages.map(([d, f]) => `${h(d)}–${h(f)}`).join(', ') : 'Fermé';
}
