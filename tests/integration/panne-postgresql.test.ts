// Drill of issue 19: PostgreSQL stopped (`pg_ctl stop -m fast`, then started again on the same port) while
// aidants use the site. A cluster of its own (the harness's serves the other files). During the outage: every
// page answers 503 with the French « Service indisponible » page (Retry-After, no stack trace, no 500), JSON
// clients a JSON 503, the health check names PostgreSQL; a login asked for then writes nothing. Once the
// database is back, with nothing restarted: the same session works, the login goes through and its email
// leaves exactly once. And a workflow whose activity runs during the outage (a habilitation request's
// submission): Temporal retries it, it finishes once PostgreSQL is back, written and mailed once.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalPostgres, type LocalPostgres } from '../../db/cluster.ts';
import { createDb, type Db } from '../../db/connection.ts';
import { migrateLatest } from '../../db/migrations/run.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { csrfFrom, HttpClient } from '../../scripts/fixtures/web.ts';
import { clientFranceConnect, demandeFranceConnect, FC, startOidcApp, type OidcApp } from '../../scripts/fixtures/fournisseur-identite.ts';
import { createAccount, createStructure, loginHttp, totpCode } from '../../scripts/fixtures/comptes.ts';
import { devServerEnv, testWorker, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';
import { creerDemandeComplete, creerMembreEquipe } from '../helpers/habilitation.ts';
import { demarrerHabilitation } from '../../db/temporal/processes/habilitation.ts';
import { idHabilitation } from '../../workflows/habilitation.ts';

let dossier: string;
let pg: LocalPostgres;
let db: Db;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: OidcApp;
let aidant: HttpClient;
const secrets: Record<string, string> = {};

beforeAll(async () => {
  dossier = mkdtempSync(join(tmpdir(), 'ac-panne-pg-'));
  pg = await startLocalPostgres({ dataDir: dossier, database: 'panne' });
  const owner = createDb(pg.ownerUrl, { min: 0, max: 1 });
  await migrateLatest(owner);
  await owner.destroy();
  db = createDb(pg.appUrl, { min: 0, max: 5 });
  mail = await startTestMail();
  // With the identity provider mounted: its routes answer the outage like the pages.
  app = await startOidcApp({ db, mailer: mail.mailer });
  const structure = await createStructure(db, { name: 'France Services de Carhaix' });
  for (const nom of ['morgane', 'tanguy']) secrets[nom] = (await createAccount(db, { email: `${nom}@carhaix.fr`, structureId: structure })).totpSecret;
  aidant = new HttpClient(app.url);
  await loginHttp(aidant, mail.catcher, 'morgane@carhaix.fr', secrets.morgane);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await mail?.stop();
  await db?.destroy();
  await pg?.stop();
  if (dossier) rmSync(dossier, { recursive: true, force: true });
});

test('stopped: 503 in French and a health check naming PostgreSQL; back: everything works again, nothing lost or doubled', async () => {
  const visiteur = new HttpClient(app.url);
  const formVisiteur = await (await visiteur.get('/connexion')).text();
  const emailsAvant = mail.catcher.emails().length;

  await pg.stop();
  try {
    for (const chemin of ['/usagers', '/espace-aidant', '/mandats/nouveau']) {
      const res = await aidant.get(chemin);
      const page = await res.text();
      expect([chemin, res.status]).toEqual([chemin, 503]);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(page).toContain('<h1>Service indisponible</h1>');
      expect(page).toContain('Réessayez dans quelques minutes');
      expect(page).not.toMatch(/at .*\.ts:\d+|ECONNREFUSED|Error:/);
    }
    const json = await aidant.request('/usagers', { headers: { accept: 'application/json' } });
    expect(json.status).toBe(503);
    expect(await json.json()).toEqual({ error: 'service_unavailable' });
    // A first visit (no session cookie) of a page that needs no database is still served; with a session
    // (kept in PostgreSQL), every page says « indisponible », the login too.
    expect((await new HttpClient(app.url).get('/mentions-legales')).status).toBe(200);
    expect((await visiteur.get('/mentions-legales')).status).toBe(503);
    const connexion = await visiteur.postForm('/connexion', { email: 'tanguy@carhaix.fr', code: await totpCode(secrets.tanguy) }, csrfFrom(formVisiteur));
    expect(connexion.status).toBe(503);
    // The identity provider's routes: the same 503 (its own error page in French, or the OIDC error in JSON).
    const demande = demandeFranceConnect(await clientFranceConnect(app.url));
    const authorize = await fetch(demande.url, { headers: { accept: 'text/html' }, redirect: 'manual' });
    // The authorization itself may need no row (it then sends on to the interaction, whose page says it).
    expect([303, 503]).toContain(authorize.status);
    const interaction = authorize.status === 503 ? authorize : await fetch(new URL(authorize.headers.get('location')!, app.url), { headers: { accept: 'text/html', cookie: authorize.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') }, redirect: 'manual' });
    expect(interaction.status).toBe(503);
    expect(await interaction.text()).toContain('<h1>Service indisponible</h1>');
    const token = await fetch(`${app.url}/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x'.repeat(43), redirect_uri: FC.callback, client_id: FC.clientId, client_secret: FC.clientSecret }),
    });
    expect(token.status).toBe(503);
    expect(await token.json()).toMatchObject({ error: 'temporarily_unavailable' });
    const sante = await fetch(`${app.url}/health`);
    expect(sante.status).toBe(503);
    expect(await sante.json()).toMatchObject({ status: 'degraded', checks: { postgres: { ok: false } } });
  } finally {
    // Started again on the same port, as after a restart of the service.
    pg = await startLocalPostgres({ dataDir: dossier, database: 'panne', preferredPort: pg.port });
  }

  // Nothing restarted on our side: the pool reconnects, the session kept in PostgreSQL is still there.
  const retour = await aidant.get('/usagers');
  expect(retour.status).toBe(200);
  expect((await fetch(`${app.url}/health`)).status).toBe(200);
  // The login refused during the outage wrote nothing: no link, no email.
  expect(Number((await db('magic_links').count({ n: '*' }).first())!.n)).toBe(1); // Morgane's, from before
  expect(mail.catcher.emails()).toHaveLength(emailsAvant);
  // Asked again, it goes through, and its email leaves exactly once.
  const tanguy = new HttpClient(app.url);
  await loginHttp(tanguy, mail.catcher, 'tanguy@carhaix.fr', secrets.tanguy);
  await new Promise((r) => setTimeout(r, 1000));
  expect(mail.catcher.emails().filter((m) => m.to.includes('tanguy@carhaix.fr'))).toHaveLength(1);
  expect((await db('outbox').where({ status: 'sent' })).length).toBe(mail.catcher.emails().length);
});

test('a workflow’s activity during the outage: retried by Temporal, done once PostgreSQL is back, nothing doubled', async () => {
  const env = await devServerEnv();
  const taskQueue = uniqueTaskQueue('panne-pg');
  const worker = await testWorker(env, { deps: { db, mailer: mail.mailer }, taskQueue });
  const run = worker.run();
  try {
    await creerMembreEquipe(db);
    const f = await creerDemandeComplete(db, { status: 'NEW' });
    await pg.stop();
    try {
      await demarrerHabilitation(env.client, f.demandeId, f.empreinte, { taskQueue });
      // The submission's activity fails (no database) and waits for its retry (2 s, then 4 s…).
      await new Promise((r) => setTimeout(r, 3000));
    } finally {
      pg = await startLocalPostgres({ dataDir: dossier, database: 'panne', preferredPort: pg.port });
    }
    const fin = Date.now() + 30_000;
    while ((await db('demandes_habilitation').where({ id: f.demandeId }).first('status')).status !== 'AC_VALIDATION_PROCESSING') {
      if (Date.now() > fin) throw new Error('la soumission n’a pas repris après le retour de PostgreSQL');
      await new Promise((r) => setTimeout(r, 200));
    }
    // It was retried: an attempt after the first one did the work (the history records the attempt that
    // completed, once the activity — transaction, then email — is done).
    const handle = env.client.workflow.getHandle(idHabilitation(f.demandeId));
    let tentatives: number[] = [];
    while (!tentatives.length) {
      if (Date.now() > fin) throw new Error('l’activité de soumission ne s’est pas terminée');
      const historique = await handle.fetchHistory();
      tentatives = (historique.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 0] : []));
      if (!tentatives.length) await new Promise((r) => setTimeout(r, 200));
    }
    expect(tentatives[0]).toBeGreaterThanOrEqual(2);
    // Written once, mailed once.
    expect(await db('evenements_habilitation').where({ demande_id: f.demandeId, type: 'soumise' })).toHaveLength(1);
    const cle = `habilitation-${f.demandeId}-soumise-1`;
    expect(await db('outbox').where({ idempotency_key: cle }).select('status')).toEqual([{ status: 'sent' }]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(mail.catcher.emails().filter((m) => m.messageId?.includes(encodeURIComponent(cle)))).toHaveLength(1);
  } finally {
    worker.shutdown();
    await run;
    await env.teardown();
  }
});
