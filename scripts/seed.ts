// `npm run seed`: loads the demo data (see db/seed.ts) into the running or local database.
import { withDatabase } from './local-db.ts';
import { seedDemo, DEMO } from '../db/seed.ts';
import { ajouterApplicationSiAbsente } from '../db/queries/comptes.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporalSettingsFromEnv } from '../workers/connection.ts';
import { demarrerVeillesManquantes } from '../api/processes/inactivite.ts';
import { demarrerViesMandatManquantes } from '../api/processes/mandat.ts';
import type { Db } from '../db/connection.ts';

/** Starts the inactivity watches of the seeded accounts when Temporal runs (TEMPORAL_ADDRESS, else `npm start`'s). */
async function demarrerVeilles(db: Db) {
  const runtime = join(process.env.DATA_DIR ?? new URL('../.data', import.meta.url).pathname, 'runtime.json');
  const address = process.env.TEMPORAL_ADDRESS ?? (existsSync(runtime) ? JSON.parse(readFileSync(runtime, 'utf8')).temporalAddress : undefined);
  const settings = { ...temporalSettingsFromEnv(), address };
  const connection = address ? await Connection.connect({ ...settings, connectTimeout: '2 seconds' }).catch(() => null) : null;
  if (!connection) return console.log("  veilles d'inactivité : Temporal ne répond pas ; elles démarreront au prochain « npm run seed » lancé pendant que le service tourne (npm start).");
  try {
    const client = new Client({ connection, namespace: settings.namespace });
    const r = await demarrerVeillesManquantes(db, client);
    console.log(`  veilles d'inactivité : ${r.demarrees} démarrée(s), ${r.dejaEnCours} déjà en cours (workflows inactivite-<id> dans l'interface Temporal)`);
    const m = await demarrerViesMandatManquantes(db, client);
    console.log(`  vies des mandats : ${m.demarrees} démarrée(s), ${m.dejaEnCours} déjà en cours (workflows mandat-<id>)`);
  } catch (err) {
    console.log(`  veilles d'inactivité non démarrées : ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    await connection.close();
  }
}

await withDatabase(async (db) => {
  const r = await seedDemo(db);
  console.log(`Données de démonstration chargées (structure n° ${r.structureId}) :`);
  console.log(`  équipe ANCT : ${DEMO.staff.email}`);
  console.log(`  structure   : ${DEMO.structure.name} (SIRET ${DEMO.structure.siret})`);
  console.log(`  référente   : ${DEMO.referent.email}`);
  for (const a of DEMO.aidants) console.log(`  aidant      : ${a.email}`);
  console.log(`  usagers     : ${r.mandatIds.length} mandats de démonstration (actif, expire bientôt, expiré, révoqué) — ${DEMO.aidants[0].email} les voit sur /usagers`);
  // The référente keeps no device: her first connection (SMS code + email link) is part of the demo.
  for (const [label, id] of [['équipe ANCT', r.staffId], ...r.aidantIds.map((id, i) => [`aidant ${DEMO.aidants[i].email}`, id] as const)] as const) {
    const app = await ajouterApplicationSiAbsente(db, id);
    if (app) console.log(`  application d’authentification de ${label} (affichée une seule fois) : clé ${app.secret}\n    ${app.uri}`);
  }
  console.log(`  première connexion de la référente : http://127.0.0.1:3000/premiere-connexion avec ${DEMO.referent.email} et le 06 12 34 56 78`);
  await demarrerVeilles(db);
});
