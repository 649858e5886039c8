// The public statistics (/stats): figures of db/queries/statistiques.ts over the last 12 months, computed at most
// once per 10 minutes per process (one computation at a time: concurrent requests share it), so the page costs
// nothing under load; the same figures as CSV.
import type { Db } from '../../db/connection.ts';
import { chiffresPublics, type ChiffresPublics } from '../../db/queries/statistiques.ts';
import { MINUTE_MS } from '../../db/domain/durees.ts';
import { DEMARCHES, TOUTES_LES_DEMARCHES, type Demarche } from '../../db/domain/demarches.ts';

export const DUREE_CACHE_STATISTIQUES_MS = 10 * MINUTE_MS;
export const MOIS_AFFICHES = 12;

export interface StatistiquesPubliques extends Omit<ChiffresPublics, 'utilisations'> {
  /** The months shown, oldest first (YYYY-MM, Paris time), the current one last. */
  mois: string[];
  /** Autorisations used: per démarche (every démarche, in display order), then per month. */
  parDemarche: { demarche: Demarche; titre: string; parMois: number[]; total: number }[];
  /** Per month, every démarche together. */
  totalParMois: number[];
  utilisationsTotal: number;
  calculeesA: Date;
}

/** The 12 months ending with the month of `maintenant` in Paris. */
export function moisAffiches(maintenant: Date, n = MOIS_AFFICHES): string[] {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).formatToParts(maintenant).map((p) => [p.type, p.value]));
  let annee = Number(parts.year);
  let mois = Number(parts.month);
  const liste: string[] = [];
  for (let i = 0; i < n; i++) {
    liste.unshift(`${annee}-${String(mois).padStart(2, '0')}`);
    if (--mois === 0) [annee, mois] = [annee - 1, 12];
  }
  return liste;
}

async function calculer(db: Db, maintenant: Date): Promise<StatistiquesPubliques> {
  const mois = moisAffiches(maintenant);
  const { utilisations, ...chiffres } = await chiffresPublics(db, { maintenant, depuisMois: mois[0] });
  const index = new Map(mois.map((m, i) => [m, i]));
  const parDemarche = TOUTES_LES_DEMARCHES.map((demarche) => ({ demarche, titre: DEMARCHES[demarche].titre, parMois: mois.map(() => 0), total: 0 }));
  const ligne = new Map(parDemarche.map((d) => [d.demarche as string, d]));
  for (const u of utilisations) {
    const d = ligne.get(u.demarche);
    const i = index.get(u.mois);
    if (!d || i === undefined) continue; // a démarche no longer offered: not in the table
    d.parMois[i] += u.n;
    d.total += u.n;
  }
  const totalParMois = mois.map((_, i) => parDemarche.reduce((s, d) => s + d.parMois[i], 0));
  return { ...chiffres, mois, parDemarche, totalParMois, utilisationsTotal: totalParMois.reduce((a, b) => a + b, 0), calculeesA: maintenant };
}

const caches = new WeakMap<Db, { valeur?: StatistiquesPubliques; enCours?: Promise<StatistiquesPubliques> }>();

export async function statistiquesPubliques(db: Db, maintenant: Date = new Date()): Promise<StatistiquesPubliques> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = {}));
  const v = cache.valeur;
  if (v && maintenant.getTime() - v.calculeesA.getTime() < DUREE_CACHE_STATISTIQUES_MS && maintenant >= v.calculeesA) return v;
  const c = cache;
  c.enCours ??= calculer(db, maintenant)
    .then((valeur) => (c.valeur = valeur))
    .finally(() => (c.enCours = undefined));
  return c.enCours;
}

const champCsv = (v: string | number) => (typeof v === 'number' || !/[;"\n\r]/.test(v) ? String(v) : `"${v.replace(/"/g, '""')}"`);

/** One figure per line (`indicateur;demarche;mois;valeur`), separator `;` as French spreadsheets expect. */
export function statistiquesCsv(s: StatistiquesPubliques): string {
  const lignes: (string | number)[][] = [['indicateur', 'demarche', 'mois', 'valeur']];
  lignes.push(['structures', '', '', s.structures]);
  lignes.push(['aidants_actifs', '', '', s.aidantsActifs]);
  lignes.push(['mandats_crees', '', '', s.mandatsCrees]);
  lignes.push(['mandats_actifs', '', '', s.mandatsActifs]);
  lignes.push(['usagers_aides', '', '', s.usagersAides]);
  for (const d of s.parDemarche) s.mois.forEach((m, i) => lignes.push(['autorisations_utilisees', d.demarche, m, d.parMois[i]]));
  return `${lignes.map((l) => l.map(champCsv).join(';')).join('\r\n')}\r\n`;
}
