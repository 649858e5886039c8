// Drill of issue 19: the Temporal dev server killed (SIGKILL) during mandat creations, then started again on
// its SQLite file. The recaps submitted meanwhile still create their mandats (the workflow's start, after the
// commit, fails and is logged: api/mandats/creation.ts); the worker's reconciliation at start-up
// (demarrerViesMandatManquantes) then starts exactly the missing ones: afterwards every mandat has its one
// workflow, the ones started before the kill survived it, and a second reconciliation starts nothing.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, generateSecret } from 'otplib';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { devServerEnv } from '../../scripts/fixtures/temporal.ts';
import { createStructure } from '../../scripts/fixtures/comptes.ts';
import { seal } from '../../db/secrets.ts';
import { VERSION_CGU } from '../../db/domain/cgu.ts';
import { demarrerViesMandatManquantes, idVieMandat } from '../../db/temporal/processes/mandat.ts';
import type { BrouillonMandat } from '../../api/mandats/brouillon.ts';
import { pidDuServeurTemporal } from '../helpers/panne.ts';

const SECRET_SESSION = 'test-session-secret-that-is-long-enough';
let t: TestDb;
let dossier: string;
let fichier: string;
let env: TestWorkflowEnvironment;
let app: RunningApp;
let structureId: number;

beforeAll(async () => {
  t = await createTestDb();
  dossier = mkdtempSync(join(tmpdir(), 'ac-panne-temporal-'));
  fichier = join(dossier, 'temporal.sqlite');
  env = await devServerEnv({ dbFilename: fichier });
  // The app asks for the current client at each request (as db/temporal/client.ts reconnects).
  app = await startApp({ db: t.db, temporal: async () => env.client });
  structureId = await createStructure(t.db, { name: 'France Services de Lannion' });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await env?.teardown().catch(() => {});
  await t?.drop();
  if (dossier) rmSync(dossier, { recursive: true, force: true });
});

/** An aidant with a sealed TOTP secret and a session holding a draft identified by FranceConnect (as the bench). */
async function aidantAvecBrouillon(n: number): Promise<{ cookie: string; csrf: string; secret: string }> {
  const [a] = await t.db('aidants')
    .insert({ email: `drill-${n}@lannion.fr`, first_name: 'Aidant', last_name: `n° ${n}`, current_structure_id: structureId, cgu_version: VERSION_CGU, cgu_accepted_at: new Date() })
    .returning('id');
  await t.db('aidant_structures').insert({ aidant_id: a.id, structure_id: structureId });
  const secret = generateSecret();
  await t.db('totp_devices').insert({ aidant_id: a.id, kind: 'app', secret: seal('totp_devices.secret', secret), period: 30, confirmed: true });
  const sid = randomBytes(24).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const maintenant = Date.now();
  const brouillonMandat: BrouillonMandat = {
    id: randomUUID(), aidantId: a.id, structureId, demarches: ['social'], duree: 'LONG', telephone: null, creeLeMs: maintenant,
    usager: {
      fcSub: `drill-temporal-${n}`,
      identite: { given_name: 'Camille', family_name: `USAGER${n}`, birthdate: '1970-01-01', gender: 'female', birthplace: '75107', birthcountry: '99100', email: `usager-${n}@lannion.fr` },
    },
  };
  const sess = { cookie: { originalMaxAge: 86_400_000, expires: new Date(maintenant + 86_400_000).toISOString(), httpOnly: true, path: '/', sameSite: 'lax' }, aidantId: a.id, loginAt: maintenant, lastActivityCheckAt: maintenant, csrfToken: csrf, brouillonMandat };
  await t.db('sessions').insert({ sid, sess: JSON.stringify(sess), expires_at: new Date(maintenant + 86_400_000) });
  const mac = createHmac('sha256', SECRET_SESSION).update(sid).digest('base64').replace(/=+$/, '');
  return { cookie: `ac_session=${encodeURIComponent(`s:${sid}.${mac}`)}`, csrf, secret };
}

async function creer(c: { cookie: string; csrf: string; secret: string }) {
  const res = await fetch(`${app.url}/mandats/nouveau/recapitulatif`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams({ _csrf: c.csrf, consentement: 'oui', code: await generate({ secret: c.secret }) }),
  });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location') ?? '' };
}


test('killed during creations: every mandat created, the missing workflows started by the reconciliation, each once', async () => {
  const aidants = await Promise.all([0, 1, 2, 3, 4, 5].map(aidantAvecBrouillon));
  for (const c of aidants.slice(0, 3)) expect((await creer(c)).status).toBe(303);

  process.kill(pidDuServeurTemporal(fichier), 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  // Temporal gone: the recap still creates the mandat (its commit comes first) and says so; no 500. It waits
  // for Temporal 5 s at most (about 20 s before: the client retried the start until its own deadline).
  for (const c of aidants.slice(3)) {
    const r = await creer(c);
    expect(r.status).toBe(303);
    expect(r.location).toMatch(/^\/usagers\/\d+#mandat-\d+$/);
  }
  const mandats: { id: number; workflow_started_at: Date | null }[] = await t.db('mandats').where({ structure_id: structureId }).orderBy('id').select('id', 'workflow_started_at');
  expect(mandats).toHaveLength(6);
  expect(mandats.map((m) => m.workflow_started_at !== null)).toEqual([true, true, true, false, false, false]);

  // Started again on its file, as the service's restart would; then the worker's reconciliation at start-up.
  await env.teardown().catch(() => {});
  env = await devServerEnv({ dbFilename: fichier });
  expect(await demarrerViesMandatManquantes(t.db, env.client)).toEqual({ demarrees: 3, dejaEnCours: 0 });
  for (const m of mandats) {
    const d = await env.client.workflow.getHandle(idVieMandat(m.id)).describe();
    expect([m.id, d.status.name]).toEqual([m.id, 'RUNNING']);
  }
  expect((await t.db('mandats').where({ structure_id: structureId }).whereNull('workflow_started_at')).length).toBe(0);
  // Nothing left to start, nothing started twice.
  expect(await demarrerViesMandatManquantes(t.db, env.client)).toEqual({ demarrees: 0, dejaEnCours: 0 });
  expect(await t.db('journal').where({ structure_id: structureId, action: 'create_attestation' })).toHaveLength(6);
});
