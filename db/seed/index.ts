// Demo data: a staff account, one structure, its référent, two aidants and usagers with a mandat of each status;
// a second structure (a CCAS) where the first aidant also works and the référent also manages
// (db/domain/README.md#plusieurs-structures). Idempotent (keyed by emails and SIRET), so running it twice changes nothing.
import type { Db } from '../connection.ts';
import { seedMandats } from './mandats.ts';
import { seedUsagerDemo } from './espace-usager.ts';

export const DEMO = {
  staff: { email: 'equipe@aidantsconnect.beta.gouv.fr', first_name: 'Camille', last_name: 'Bernard', profession: 'Chargée de déploiement ANCT' },
  structure: { name: 'France Services de Saint-Denis', siret: '21930066000004', type: 'france_services', address: '2 place Victor Hugo', postal_code: '93200', city: 'Saint-Denis', city_insee_code: '93066' },
  referent: { email: 'sophie.martin@saint-denis.fr', first_name: 'Sophie', last_name: 'Martin', profession: 'Responsable France Services', phone: '+33612345678' },
  /** Karim (the first aidant) also works here, and Sophie manages it too. */
  secondeStructure: { name: 'CCAS de Saint-Denis', siret: '26930066000009', type: 'ccas', address: '12 rue de la République', postal_code: '93200', city: 'Saint-Denis', city_insee_code: '93066' },
  aidants: [
    { email: 'karim.benali@saint-denis.fr', first_name: 'Karim', last_name: 'Benali', profession: 'Conseiller numérique' },
    { email: 'lea.dubois@saint-denis.fr', first_name: 'Léa', last_name: 'Dubois', profession: "Agente d'accueil" },
  ],
} as const;

const OPENING_HOURS = { '1': [['09:00', '12:30'], ['13:30', '17:30']], '2': [['09:00', '12:30'], ['13:30', '17:30']], '3': [['09:00', '12:30']], '4': [['09:00', '12:30'], ['13:30', '17:30']], '5': [['09:00', '12:30'], ['13:30', '16:30']] };

export interface SeedResult {
  staffId: number;
  structureId: number;
  secondeStructureId: number;
  referentId: number;
  aidantIds: number[];
  mandatIds: number[];
  /** The demo usager of the espace usager (a sandbox identity) and their two mandats. */
  usagerDemo: { usagerId: number; mandatIds: number[] };
}

export async function seedDemo(db: Db): Promise<SeedResult> {
  return db.transaction(async (trx) => {
    const upsertAidant = async (fields: Record<string, unknown>) => {
      const [row] = await trx('aidants').insert(fields).onConflict('email').merge(['first_name', 'last_name', 'profession']).returning('id');
      return row.id as number;
    };
    const [structure] = await trx('structures')
      .insert({ ...DEMO.structure, opening_hours: JSON.stringify(OPENING_HOURS) })
      .onConflict('siret')
      .merge(['name'])
      .returning('id');
    const structureId = structure.id as number;
    const staffId = await upsertAidant({ ...DEMO.staff, is_staff: true, can_create_mandats: false });
    const referentId = await upsertAidant({ ...DEMO.referent, current_structure_id: structureId });
    const aidantIds: number[] = [];
    for (const a of DEMO.aidants) aidantIds.push(await upsertAidant({ ...a, current_structure_id: structureId }));
    for (const id of [referentId, ...aidantIds]) {
      await trx('aidant_structures').insert({ aidant_id: id, structure_id: structureId }).onConflict(['aidant_id', 'structure_id']).ignore();
    }
    await trx('referent_structures').insert({ aidant_id: referentId, structure_id: structureId }).onConflict(['aidant_id', 'structure_id']).ignore();
    const [seconde] = await trx('structures').insert(DEMO.secondeStructure).onConflict('siret').merge(['name']).returning('id');
    const secondeStructureId = seconde.id as number;
    for (const [table, id] of [['aidant_structures', aidantIds[0]], ['aidant_structures', referentId], ['referent_structures', referentId]] as const) {
      await trx(table).insert({ aidant_id: id, structure_id: secondeStructureId }).onConflict(['aidant_id', 'structure_id']).ignore();
    }
    const mandatIds = await seedMandats(trx, structureId, aidantIds[0]);
    const usagerDemo = await seedUsagerDemo(trx, structureId, aidantIds);
    return { staffId, structureId, secondeStructureId, referentId, aidantIds, mandatIds: [...mandatIds, ...usagerDemo.mandatIds], usagerDemo };
  });
}
