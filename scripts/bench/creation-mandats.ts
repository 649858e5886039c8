// Bench of mandat creation end to end: the HTTP submit of the recap (TOTP checked, one transaction writing the
// usager, mandat, autorisations and journal, the mandat's workflow started on Temporal) by N aidants at once,
// each with a draft already identified by FranceConnect (the usager's FranceConnect round trip is not part of
// the measure). Reports creations per second and the p50/p95 latency of the submit — counting only the
// mandats verified afterwards in the database (row, workflow started, create_attestation journaled), never
// the requests sent: a bench that fails every request must not print a rate.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { generate, generateSecret } from 'otplib';
import type { Client } from '@temporalio/client';
import { createApp } from '../../web/app.ts';
import type { Db } from '../../db/connection.ts';
import { VERSION_CGU } from '../../db/domain/cgu.ts';
import type { BrouillonMandat } from '../../api/mandats/brouillon.ts';
import { seal } from '../../db/secrets.ts';

const SECRET = 'bench-session-secret-long-enough-0123456789';

/** express-session's signed cookie value (cookie-signature: HMAC-SHA256, base64 without padding). */
function cookieSigne(sid: string): string {
  const mac = createHmac('sha256', SECRET).update(sid).digest('base64').replace(/=+$/, '');
  return encodeURIComponent(`s:${sid}.${mac}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchCreationMandats(opts: { db: Db; client: Client; n: number; enParallele: number }) {
  const { db, n } = opts;
  const [{ id: structureId }] = await db('structures').insert({ name: 'Structure du banc des mandats', type: 'autre' }).returning('id');
  const maintenant = Date.now();
  const comptes: { cookie: string; csrf: string; secret: string }[] = [];
  for (let i = 0; i < n; i += 500) {
    const lot = Array.from({ length: Math.min(500, n - i) }, (_, k) => i + k);
    const aidants: { id: number }[] = await db('aidants')
      .insert(lot.map((k) => ({ email: `mandat-${k}@banc.example.test`, first_name: 'Aidant', last_name: `n° ${k}`, current_structure_id: structureId, cgu_version: VERSION_CGU, cgu_accepted_at: new Date() })))
      .returning('id');
    await db('aidant_structures').insert(aidants.map((a) => ({ aidant_id: a.id, structure_id: structureId })));
    const secrets = aidants.map(() => generateSecret());
    // Sealed like every secret at rest (db/secrets.ts), as enrolment stores them: unsealed, each recap failed.
    await db('totp_devices').insert(aidants.map((a, k) => ({ aidant_id: a.id, kind: 'app', secret: seal('totp_devices.secret', secrets[k]), period: 30, confirmed: true })));
    const sessions = aidants.map((a, k) => {
      const sid = randomBytes(24).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      const brouillonMandat: BrouillonMandat = {
        id: randomUUID(), aidantId: a.id, structureId, demarches: ['papiers', 'social'], duree: 'LONG', telephone: null, creeLeMs: maintenant,
        usager: {
          fcSub: `banc-${lot[k]}`,
          identite: { given_name: 'Camille Marie', family_name: `USAGER${lot[k]}`, birthdate: '1970-01-01', gender: 'female', birthplace: '75107', birthcountry: '99100', email: `usager-${lot[k]}@banc.example.test` },
        },
      };
      comptes.push({ cookie: `ac_session=${cookieSigne(sid)}`, csrf, secret: secrets[k] });
      const sess = { cookie: { originalMaxAge: 86_400_000, expires: new Date(maintenant + 86_400_000).toISOString(), httpOnly: true, path: '/', sameSite: 'lax' }, aidantId: a.id, loginAt: maintenant, lastActivityCheckAt: maintenant, csrfToken: csrf, brouillonMandat };
      return { sid, sess: JSON.stringify(sess), expires_at: new Date(maintenant + 86_400_000) };
    });
    await db('sessions').insert(sessions);
  }

  const app = createApp({
    db, temporal: async () => opts.client, sessionSecret: SECRET, logger: (await import('pino')).default({ level: 'warn' }),
  });
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const durees: number[] = [];
  let echecs = 0;
  const statutsEchecs = new Map<number, number>();
  let suivant = 0;
  const debut = performance.now();
  await Promise.all(Array.from({ length: opts.enParallele }, async () => {
    while (suivant < comptes.length) {
      const c = comptes[suivant++];
      const code = await generate({ secret: c.secret });
      const t0 = performance.now();
      const res = await fetch(`${base}/mandats/nouveau/recapitulatif`, {
        method: 'POST', redirect: 'manual',
        headers: { cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ _csrf: c.csrf, consentement: 'oui', code }),
      });
      await res.arrayBuffer();
      durees.push(performance.now() - t0);
      if (res.status !== 303 || !/^\/usagers\/\d+#mandat-\d+$/.test(res.headers.get('location') ?? '')) {
        echecs++;
        statutsEchecs.set(res.status, (statutsEchecs.get(res.status) ?? 0) + 1);
      }
    }
  }));
  const total = performance.now() - debut;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  durees.sort((a, b) => a - b);
  const verifie = await db('mandats').where({ structure_id: structureId }).select(
    db.raw('count(*)::int as mandats'), db.raw('count(workflow_started_at)::int as workflows'),
  ).first();
  const journal = await db('journal').where({ structure_id: structureId, action: 'create_attestation' }).count({ n: '*' }).first();
  // Only what the database shows complete counts: a mandat, its workflow started, its attestation journaled.
  const verifies = Math.min(verifie.mandats as number, verifie.workflows as number, Number(journal!.n));
  return {
    n, echecs, totalMs: total, verifies,
    statutsEchecs: Object.fromEntries(statutsEchecs) as Record<number, number>,
    parSeconde: (verifies * 1000) / total,
    p50: percentile(durees, 50),
    p95: percentile(durees, 95),
    mandats: verifie.mandats as number,
    workflows: verifie.workflows as number,
    attestations: Number(journal!.n),
  };
}
