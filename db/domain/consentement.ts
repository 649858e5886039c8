// Remote consent by SMS (db/domain/README.md#consentement-par-sms): the usager answers "Oui" to the consent request SMS. The rule that
// reads an answer, the states of a consent request, its delays, and the texts the usager receives.
import { DEMARCHES, type Demarche } from './demarches.ts';
import { DUREES_MANDAT, type DureeMandat } from './mandat.ts';
import { JOUR_MS } from './durees.ts';

/** The answer that means consent (`SMS_RESPONSE_CONSENT` of the public service). */
export const REPONSE_CONSENTEMENT = 'Oui';

/**
 * Consent is "Oui" with surrounding spaces trimmed, in any case, with at most one final period (spaces
 * allowed around it): "oui.", " OUI ", "Oui ." are consent; "Oui !", "oui..", "Oui merci" are refusals.
 */
export function estConsentement(reponse: string): boolean {
  return reponse.replace(/^\s+|\s*\.?\s*$/g, '').toLowerCase() === REPONSE_CONSENTEMENT.toLowerCase();
}

/**
 * `sending`: the recap and consent SMS are leaving; `failed`: one of them could not be sent (the aidant may
 * retry); `awaiting`: the consent request SMS left, the usager may answer until the deadline; then
 * `consented`, `refused` or `expired` (no answer in time); `cancelled` when the aidant withdrew it before an
 * answer (issue 18: a later « Oui » is then journaled as ignored). A consented request can make one mandat.
 */
export const STATUTS_DEMANDE_CONSENTEMENT = ['sending', 'failed', 'awaiting', 'consented', 'refused', 'expired', 'cancelled'] as const;

/** The states in which the aidant may still cancel the request (no answer recorded yet). */
export const STATUTS_ANNULABLES: readonly StatutDemandeConsentement[] = ['sending', 'failed', 'awaiting'];
export type StatutDemandeConsentement = (typeof STATUTS_DEMANDE_CONSENTEMENT)[number];

/** How long the usager has to answer once the consent request SMS left. */
export const DELAI_REPONSE_CONSENTEMENT_MS = JOUR_MS;

/**
 * How long after its arrival a stored answer that no workflow has read is signalled again by the worker's
 * reconciliation (db/temporal/processes/consentement.ts): a week, well beyond the day the usager has to answer
 * and any outage of Temporal the drills cover. An answer still unread after that is one its workflow could not
 * read (its activity kept failing, logged as « réponse SMS illisible »): signalled at every pass forever, it
 * would cost a failing activity each time and, once 200 of them piled up, hide newer answers from the pass.
 * It stays stored until its request's retention ends, like any answer.
 */
export const FENETRE_RETRANSMISSION_REPONSE_MS = 7 * JOUR_MS;

/**
 * At most this many consent requests from one structure to one number in 24 hours (the SMS must not become
 * harassment). Counted per structure: one structure's requests never block another's (issue 18, item 2).
 */
export const DEMANDES_PAR_NUMERO_PAR_JOUR = 3;
export const FENETRE_DEMANDES_PAR_NUMERO_MS = JOUR_MS;

/** At most this many consent requests (two SMS each) per aidant in an hour, and per structure in 24 hours (issue 18, item 2). */
export const DEMANDES_PAR_AIDANT_PAR_HEURE = 10;
export const FENETRE_DEMANDES_PAR_AIDANT_MS = JOUR_MS / 24;
export const DEMANDES_PAR_STRUCTURE_PAR_JOUR = 50;
export const FENETRE_DEMANDES_PAR_STRUCTURE_MS = JOUR_MS;

/**
 * The reply code of a request (issue 18, item 1): 4 digits sent in the consent SMS (« Répondez « Oui 4821 » »),
 * distinct among the number's open requests, so the answer names its request whatever other structure
 * wrote to the same number.
 */
export const CHIFFRES_CODE_REPONSE = 4;

/** The code of an answer: the first group of exactly 4 digits, or null. */
export function codeDeLaReponse(reponse: string): string | null {
  return /(?<![0-9])[0-9]{4}(?![0-9])/.exec(reponse)?.[0] ?? null;
}

export type LectureReponse = 'consentement' | 'refus' | 'sans-code';

/**
 * What an answer means for a request whose code is `code`: without that code it says nothing about the request
 * (`sans-code`: journaled as ignored, the usager may still answer); with it, consent when the rest is « Oui »
 * by estConsentement, refusal otherwise. A request made before codes existed (`code` null) keeps the former
 * rule: « Oui » is consent, anything else a refusal.
 */
export function lireReponse(reponse: string, code: string | null): LectureReponse {
  if (code === null) return estConsentement(reponse) ? 'consentement' : 'refus';
  if (codeDeLaReponse(reponse) !== code) return 'sans-code';
  // The code and the separators around it (« Oui, 4821 », « 4821 - oui ») go; the rest is read like « Oui ».
  const reste = reponse.replace(new RegExp(`[\\s,;:-]*(?<![0-9])${code}(?![0-9])[\\s,;:-]*`), ' ');
  return estConsentement(reste) ? 'consentement' : 'refus';
}

/** The SMS a request sends, in order; the receipt answers the usager's answer. */
export const ETAPES_SMS = ['recapitulatif', 'demande', 'accuse'] as const;
export type EtapeSms = (typeof ETAPES_SMS)[number];

/** Outbox and journal keys of a request's steps; the purge deletes the outbox rows by this prefix. */
export function prefixeCleConsentement(demandeId: string): string {
  return `consentement-${demandeId}:`;
}

export function cleConsentement(demandeId: string, etape: string): string {
  return `${prefixeCleConsentement(demandeId)}${etape}`;
}

export function idWorkflowConsentement(demandeId: string): string {
  return `consentement-${demandeId}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Route ids of consent requests are lower-case UUIDs; anything else is simply not found. */
export function estIdDemande(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

const ENTETE = 'Aidants Connect, bonjour.';

function dureeEnClair(duree: DureeMandat): string {
  const jours = DUREES_MANDAT[duree].jours;
  return jours === 1 ? 'd’une journée (jusqu’à demain)' : jours === 31 ? 'd’un mois' : jours === 182 ? 'de six mois' : 'de douze mois';
}

/** Recap SMS: who will create which mandat, for how long (db/domain/README.md#consentement-par-sms, item 1). */
export function texteSmsRecapitulatif(p: { structure: string; duree: DureeMandat; demarches: readonly Demarche[] }): string {
  const titres = p.demarches.map((d) => DEMARCHES[d].titre);
  const pour = titres.length === 1 ? `pour la démarche ${titres[0]}.` : `pour les démarches suivantes :\n${titres.map((t) => `- ${t}`).join('\n')}`;
  return `${ENTETE}\n\n${p.structure} va créer un mandat ${dureeEnClair(p.duree)} en votre nom ${pour}`;
}

/** Consent request SMS (item 2), with the request's reply code (null: a request from before codes). */
export function texteSmsDemande(code: string | null = null): string {
  if (code === null) {
    return `${ENTETE}\n\nDonnez-vous votre accord pour la création de ce mandat ? Répondez « ${REPONSE_CONSENTEMENT} » pour l’accepter. Toute autre réponse vaut refus.`;
  }
  return `${ENTETE}\n\nDonnez-vous votre accord pour la création de ce mandat ? Répondez « ${REPONSE_CONSENTEMENT} ${code} » pour l’accepter. `
    + `Toute autre réponse avec ce code vaut refus.`;
}

/** Receipt of the answer (item 3). */
export function texteSmsAccuse(consenti: boolean): string {
  return consenti
    ? `${ENTETE}\n\nNous avons bien enregistré votre accord pour la création du mandat à distance.`
    : `${ENTETE}\n\nNous avons bien enregistré votre refus : le mandat ne sera pas créé.`;
}
