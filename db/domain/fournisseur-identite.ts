// Rules of Aidants Connect as FranceConnect's identity provider (api/franceconnect/README.md#fournisseur-didentité): what an
// authorization request must carry, how FranceConnect names démarches in `rep_scope`, who may act for a
// usager, and which démarches the aidant may choose.
import { DEMARCHES, TOUTES_LES_DEMARCHES, estDemarche, type Demarche } from './demarches.ts';

/** The only level FranceConnect asks of us (eIDAS low). */
export const ACR_FRANCECONNECT = 'eidas1';

/** Scopes FranceConnect always requests (v2; v1 adds address and phone, which we tolerate and ignore). */
export const SCOPES_REQUIS = ['openid', 'profile', 'email', 'birth'] as const;

/** state and nonce: present, URL-safe, bounded (FranceConnect v2 sends 64 hexadecimal characters). */
export const FORMAT_STATE_NONCE = /^[A-Za-z0-9._~-]{1,512}$/;

/**
 * FranceConnect's own fixtures name démarches by label (`Famille-Scolarité`), the public service by key
 * (`famille`): both are accepted. Labels are our titles without the spaces around dashes.
 */
const PAR_LIBELLE = new Map<string, Demarche>(
  TOUTES_LES_DEMARCHES.map((d) => [DEMARCHES[d].titre.replace(/\s*-\s*/g, '-').toLowerCase(), d]),
);

export function demarcheDeRepScope(valeur: unknown): Demarche | null {
  if (typeof valeur !== 'string') return null;
  if (estDemarche(valeur)) return valeur;
  return PAR_LIBELLE.get(valeur.trim().replace(/\s*-\s*/g, '-').toLowerCase()) ?? null;
}

export type ErreurDemande = { champ: 'acr_values' | 'scope' | 'state' | 'nonce' | 'rep_scope'; message: string };

/** What FranceConnect's authorization request lacks (null when it is acceptable). Messages are for FC: English. */
export function erreurDemandeFranceConnect(params: {
  acr_values?: unknown;
  scope?: unknown;
  state?: unknown;
  nonce?: unknown;
  repScope?: unknown[] | null;
}): ErreurDemande | null {
  if (params.acr_values !== ACR_FRANCECONNECT) return { champ: 'acr_values', message: `acr_values must be ${ACR_FRANCECONNECT}` };
  const scopes = new Set(typeof params.scope === 'string' ? params.scope.split(' ') : []);
  const manquants = SCOPES_REQUIS.filter((s) => !scopes.has(s));
  if (manquants.length) return { champ: 'scope', message: `missing scope: ${manquants.join(' ')}` };
  if (typeof params.state !== 'string' || !FORMAT_STATE_NONCE.test(params.state)) return { champ: 'state', message: 'state is required (URL-safe characters)' };
  if (typeof params.nonce !== 'string' || !FORMAT_STATE_NONCE.test(params.nonce)) return { champ: 'nonce', message: 'nonce is required (URL-safe characters)' };
  if (params.repScope && params.repScope.some((v) => demarcheDeRepScope(v) === null)) {
    return { champ: 'rep_scope', message: 'rep_scope values must be démarches' };
  }
  return null;
}

/**
 * The démarches offered to the aidant: those its autorisations cover, that the structure allows, and (when
 * FranceConnect's service names some in `rep_scope`) that the service asked for. In display order.
 */
export function demarchesProposees(autorisees: readonly string[], permisesParStructure: readonly string[], demandees: readonly Demarche[] | null): Demarche[] {
  return TOUTES_LES_DEMARCHES.filter((d) => autorisees.includes(d) && permisesParStructure.includes(d) && (!demandees || demandees.includes(d)));
}

/** The `rep_scope` value to echo for a chosen démarche: the one FranceConnect sent, as it sent it. */
export function repScopePourDemarche(demarche: Demarche, valeursDemandees: readonly unknown[] | null): string | null {
  if (!valeursDemandees) return null;
  const valeur = valeursDemandees.find((v) => demarcheDeRepScope(v) === demarche);
  return typeof valeur === 'string' ? valeur : null;
}

/**
 * An aidant may act for usagers: active, an aidant (not a référent only), allowed to create mandats (the
 * right /usagers requires, api/mandats/acces.ts — issue 18, item 3) and attached to a current structure.
 */
export function aidantPeutAgir(aidant: { is_active: boolean; referent_non_aidant: boolean; can_create_mandats: boolean; current_structure_id: number | null }): boolean {
  return aidant.is_active && !aidant.referent_non_aidant && aidant.can_create_mandats && aidant.current_structure_id !== null;
}

export interface RepScopeDemande {
  /** FranceConnect asked for `rep_scope` in the ID token. */
  demande: boolean;
  /** The values it named (null: any démarche). */
  valeurs: string[] | null;
}

/** Reads `rep_scope` from the `claims` request parameter (a JSON string or an already parsed object). */
export function lireRepScope(claims: unknown): RepScopeDemande {
  let parsed: unknown = claims;
  if (typeof claims === 'string') {
    try {
      parsed = JSON.parse(claims);
    } catch {
      return { demande: false, valeurs: null };
    }
  }
  const repScope = (parsed as { id_token?: { rep_scope?: unknown } } | null)?.id_token?.rep_scope;
  if (repScope === undefined) return { demande: false, valeurs: null };
  const { values, value } = (repScope ?? {}) as { values?: unknown; value?: unknown };
  if (Array.isArray(values)) return { demande: true, valeurs: values.map(String) };
  return { demande: true, valeurs: value !== undefined ? [String(value)] : null };
}
