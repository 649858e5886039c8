// `npm run seed`: loads the demo data (see db/seed.ts) into the running or local database.
import { withDatabase } from './local-db.ts';
import { seedDemo, DEMO } from '../db/seed.ts';
import { ajouterApplicationSiAbsente } from '../db/queries/comptes.ts';

await withDatabase(async (db) => {
  const r = await seedDemo(db);
  console.log(`Données de démonstration chargées (structure n° ${r.structureId}) :`);
  console.log(`  équipe ANCT : ${DEMO.staff.email}`);
  console.log(`  structure   : ${DEMO.structure.name} (SIRET ${DEMO.structure.siret})`);
  console.log(`  référente   : ${DEMO.referent.email}`);
  for (const a of DEMO.aidants) console.log(`  aidant      : ${a.email}`);
  // The référente keeps no device: her first connection (SMS code + email link) is part of the demo.
  for (const [label, id] of [['équipe ANCT', r.staffId], ...r.aidantIds.map((id, i) => [`aidant ${DEMO.aidants[i].email}`, id] as const)] as const) {
    const app = await ajouterApplicationSiAbsente(db, id);
    if (app) console.log(`  application d’authentification de ${label} (affichée une seule fois) : clé ${app.secret}\n    ${app.uri}`);
  }
  console.log(`  première connexion de la référente : http://127.0.0.1:3000/premiere-connexion avec ${DEMO.referent.email} et le 06 12 34 56 78`);
});
