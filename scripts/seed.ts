// `npm run seed`: loads the demo data (see db/seed.ts) into the running or local database.
import { withDatabase } from './local-db.ts';
import { seedDemo, DEMO } from '../db/seed.ts';

await withDatabase(async (db) => {
  const r = await seedDemo(db);
  console.log(`Données de démonstration chargées (structure n° ${r.structureId}) :`);
  console.log(`  équipe ANCT : ${DEMO.staff.email}`);
  console.log(`  structure   : ${DEMO.structure.name} (SIRET ${DEMO.structure.siret})`);
  console.log(`  référente   : ${DEMO.referent.email}`);
  for (const a of DEMO.aidants) console.log(`  aidant      : ${a.email}`);
});
