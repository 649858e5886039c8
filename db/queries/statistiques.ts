// Figures: the staff home page's (api/staff/statistiques.ts), and the public statistics (/stats, issue 20,
// api/statistiques/publiques.ts): counts over the tables and the journal (which outlives the purge of
// mandats and usagers), never a person. The staff's own structure is left out: a structure counts unless one
// of its members is a staff account (the team's test and demonstration structure), and staff accounts never
// count as aidants. Structures and aidants are today's active ones; mandats, usagers and uses count the
// history of every structure but the staff's (a closed structure's mandats were created all the same).
import type { Db } from '../connection.ts';

export interface StatistiquesEquipe {
  cartes: number;
  cartesLibres: number;
  aidantsActifs: number;
  structures: number;
}

export async function statistiquesEquipe(db: Db): Promise<StatistiquesEquipe> {
  const one = async (q: Promise<{ n: number | string }[]>) => Number((await q)[0].n);
  const [cartes, cartesLibres, aidantsActifs, structures] = await Promise.all([
    one(db('totp_cards').count({ n: '*' })),
    one(db('totp_cards').whereNotExists(db('totp_devices').whereRaw('totp_devices.card_id = totp_cards.id')).count({ n: '*' })),
    one(db('aidants').where({ is_active: true, is_staff: false }).count({ n: '*' })),
    one(db('structures').where({ is_active: true }).count({ n: '*' })),
  ]);
  return { cartes, cartesLibres, aidantsActifs, structures };
}

export interface ChiffresPublics {
  /** Active structures. */
  structures: number;
  /** Active accounts that help usagers (not staff, not référent non aidant) in an active structure. */
  aidantsActifs: number;
  /** `create_attestation` rows of the journal (every mandat ever created, purged ones included). */
  mandatsCrees: number;
  /** Mandats not expired with at least one unrevoked autorisation (db/domain/README.md#statuts). */
  mandatsActifs: number;
  /** Distinct usagers a mandat was created for (journal). */
  usagersAides: number;
  /** `use_autorisation` rows per month (YYYY-MM, Paris time) and démarche, from `depuisMois` on. */
  utilisations: { mois: string; demarche: string; n: number }[];
}

/** Structures that count: not the staff's. */
const HORS_EQUIPE = `select s.id from structures s where not exists (
  select 1 from aidant_structures x join aidants a on a.id = x.aidant_id where x.structure_id = s.id and a.is_staff)`;

export async function chiffresPublics(db: Db, opts: { maintenant: Date; depuisMois: string }): Promise<ChiffresPublics> {
  const { rows: [c] } = await db.raw(`
    with hors_equipe as (${HORS_EQUIPE}),
    actives as (select s.id from structures s where s.is_active and s.id in (select id from hors_equipe))
    select
      (select count(*) from actives) as structures,
      (select count(*) from aidants a where a.is_active and not a.is_staff and not a.referent_non_aidant
         and exists (select 1 from aidant_structures x where x.aidant_id = a.id and x.structure_id in (select id from actives))) as aidants_actifs,
      (select count(*) from journal j where j.action = 'create_attestation' and j.structure_id in (select id from hors_equipe)) as mandats_crees,
      (select count(*) from mandats m where m.expires_at > ? and m.structure_id in (select id from hors_equipe)
         and exists (select 1 from autorisations au where au.mandat_id = m.id and au.revoked_at is null)) as mandats_actifs,
      (select count(distinct j.usager_id) from journal j where j.action = 'create_attestation' and j.structure_id in (select id from hors_equipe)) as usagers_aides`,
  [opts.maintenant]);
  const { rows: utilisations } = await db.raw<{ rows: { mois: string; demarche: string; n: number }[] }>(`
    select to_char(j.created_at at time zone 'Europe/Paris', 'YYYY-MM') as mois, j.demarche, count(*)::int as n
    from journal j
    where j.action = 'use_autorisation' and j.demarche is not null
      and j.created_at >= (?::timestamp at time zone 'Europe/Paris') and j.created_at <= ?
      and j.structure_id in (${HORS_EQUIPE})
    group by 1, 2 order by 1, 2`, [`${opts.depuisMois}-01 00:00:00`, opts.maintenant]);
  return {
    structures: Number(c.structures),
    aidantsActifs: Number(c.aidants_actifs),
    mandatsCrees: Number(c.mandats_crees),
    mandatsActifs: Number(c.mandats_actifs),
    usagersAides: Number(c.usagers_aides),
    utilisations,
  };
}
