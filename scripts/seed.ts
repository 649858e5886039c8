// `npm run seed`: loads the demo data (see db/seed/index.ts) into the running or local database.
import { withDatabase } from './local-db.ts';
import { seedDemo, DEMO } from '../db/seed/index.ts';
import { ajouterApplicationSiAbsente } from '../db/queries/comptes.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporalSettingsFromEnv } from '../db/temporal/connection.ts';
import { demarrerVeillesManquantes } from '../db/temporal/processes/inactivite.ts';
import { demarrerViesMandatManquantes } from '../db/temporal/processes/mandat.ts';
import type { Db } from '../db/connection.ts';
import { localUrls, mandatsLine, seedReportLines, watchesLine } from './messages.ts';

const runtimeFile = join(process.env.DATA_DIR ?? new URL('../.data', import.meta.url).pathname, 'runtime.json');
const runtime = existsSync(runtimeFile) ? JSON.parse(readFileSync(runtimeFile, 'utf8')) : null;

/** Starts the inactivity watches of the seeded accounts when Temporal runs (TEMPORAL_ADDRESS, else `npm start`'s). */
async function demarrerVeilles(db: Db) {
  const address = process.env.TEMPORAL_ADDRESS ?? runtime?.temporalAddress;
  const settings = { ...temporalSettingsFromEnv(), address };
  const connection = address ? await Connection.connect({ ...settings, connectTimeout: '2 seconds' }).catch(() => null) : null;
  if (!connection) return console.log("  veilles d'inactivité : Temporal ne répond pas ; elles démarreront au prochain « npm run seed » lancé pendant que le service tourne (npm start).");
  try {
    const client = new Client({ connection, namespace: settings.namespace });
    const r = await demarrerVeillesManquantes(db, client);
    console.log(watchesLine(r.demarrees, r.dejaEnCours));
    const m = await demarrerViesMandatManquantes(db, client);
    console.log(mandatsLine(m.demarrees, m.dejaEnCours));
  } catch (err) {
    console.log(`  veilles d'inactivité non démarrées : ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    await connection.close();
  }
}

await withDatabase(async (db) => {
  const r = await seedDemo(db);
  // The référente keeps no device: her first connection (SMS code + email link) is part of the demo.
  const applications = [];
  for (const [label, id] of [["l'équipe ANCT", r.staffId], ...r.aidantIds.map((id, i) => [`l'aidant ${DEMO.aidants[i].email}`, id] as const)] as const) {
    const app = await ajouterApplicationSiAbsente(db, id);
    if (app) applications.push({ label, secret: app.secret, uri: app.uri });
  }
  const report = seedReportLines({
    structureId: r.structureId, staffEmail: DEMO.staff.email, structure: DEMO.structure,
    referent: { email: DEMO.referent.email, phone: '06 12 34 56 78' }, aidants: DEMO.aidants.map((a) => a.email), applications, mandats: r.mandatIds.length,
  }, localUrls(process.env, runtime));
  for (const line of report) console.log(line);
  console.log(`  espace usager : ${localUrls(process.env, runtime).web}/espace-usager, « S’identifier avec FranceConnect » puis, dans le bac à sable, Pierre MERCIER (nom d’usage DUBOIS) : ${r.usagerDemo.mandatIds.length} mandats et une douzaine d’actions faites en son nom.`);
  await demarrerVeilles(db);
});
