// For the drills of issue 19: an aidant whose session (written straight into PostgreSQL, signed like the app's
// cookie) holds a mandat draft already identified by FranceConnect — or rebuilt from a consent request — so a
// test submits the recap without the FranceConnect round trip; and the recap's submit with a fresh TOTP code.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { generate, generateSecret } from 'otplib';
import type { Db } from '../../db/connection.ts';
import { seal } from '../../db/secrets.ts';
import { VERSION_CGU } from '../../db/domain/cgu.ts';
import { TEST_SESSION_SECRET } from '../../scripts/fixtures/web.ts';
import type { BrouillonMandat } from '../../api/mandats/brouillon.ts';

export interface AidantAvecBrouillon {
  aidantId: number;
  cookie: string;
  csrf: string;
  secret: string;
  brouillonId: string;
}

/**
 * Aidant n° `n` of `structureId` (a sealed TOTP secret) with a session holding a draft: a usager identified
 * by FranceConnect, or with `consentement` the remote draft built from that consent request (its id is the
 * draft's id, as api/mandats/brouillon.ts brouillonApresConsentement does; `brouillonId` may force another).
 */
export async function aidantAvecBrouillon(
  db: Db,
  structureId: number,
  n: number,
  opts: { email?: string; consentement?: { demandeId: string; telephone: string }; brouillonId?: string } = {},
): Promise<AidantAvecBrouillon> {
  const [a] = await db('aidants')
    .insert({ email: opts.email ?? `drill-${n}-${randomBytes(3).toString('hex')}@aidants.test`, first_name: 'Aidant', last_name: `n° ${n}`, current_structure_id: structureId, cgu_version: VERSION_CGU, cgu_accepted_at: new Date() })
    .returning('id');
  await db('aidant_structures').insert({ aidant_id: a.id, structure_id: structureId });
  const secret = generateSecret();
  await db('totp_devices').insert({ aidant_id: a.id, kind: 'app', secret: seal('totp_devices.secret', secret), period: 30, confirmed: true });
  return { aidantId: a.id, secret, ...(await sessionAvecBrouillon(db, a.id, structureId, n, opts)) };
}

/** A new session of aidant `aidantId` holding a fresh draft (see aidantAvecBrouillon). */
export async function sessionAvecBrouillon(
  db: Db,
  aidantId: number,
  structureId: number,
  n: number,
  opts: { consentement?: { demandeId: string; telephone: string }; brouillonId?: string } = {},
): Promise<{ cookie: string; csrf: string; brouillonId: string }> {
  const sid = randomBytes(24).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const maintenant = Date.now();
  const brouillonMandat: BrouillonMandat = opts.consentement
    ? {
      id: opts.brouillonId ?? opts.consentement.demandeId, aidantId, structureId, demarches: ['social'], duree: 'MONTH', telephone: opts.consentement.telephone,
      creeLeMs: maintenant, consentement: { demandeId: opts.consentement.demandeId },
      usager: { fcSub: `drill-distance-${n}`, identite: identite(n) },
    }
    : {
      id: opts.brouillonId ?? randomUUID(), aidantId, structureId, demarches: ['social'], duree: 'LONG', telephone: null, creeLeMs: maintenant,
      usager: { fcSub: `drill-${n}-${randomBytes(4).toString('hex')}`, identite: identite(n) },
    };
  const sess = { cookie: { originalMaxAge: 86_400_000, expires: new Date(maintenant + 86_400_000).toISOString(), httpOnly: true, path: '/', sameSite: 'lax' }, aidantId, loginAt: maintenant, lastActivityCheckAt: maintenant, csrfToken: csrf, brouillonMandat };
  await db('sessions').insert({ sid, sess: JSON.stringify(sess), expires_at: new Date(maintenant + 86_400_000) });
  const mac = createHmac('sha256', TEST_SESSION_SECRET).update(sid).digest('base64').replace(/=+$/, '');
  return { cookie: `ac_session=${encodeURIComponent(`s:${sid}.${mac}`)}`, csrf, brouillonId: brouillonMandat.id };
}

function identite(n: number) {
  return { given_name: 'Camille', family_name: `USAGER${n}`, birthdate: '1970-01-01', gender: 'female' as const, birthplace: '75107', birthcountry: '99100', email: `usager-${n}@usagers.test` };
}

export interface ReponseRecap {
  status: number;
  location: string;
  page: string;
}

/**
 * Submits the recap with the box ticked and a TOTP code. `codeFrais`: forget the last step used first (a
 * retry of a submit refused meanwhile needs no wait for the next 30-second code), when the database answers.
 */
export async function soumettreRecap(appUrl: string, c: Pick<AidantAvecBrouillon, 'cookie' | 'csrf' | 'secret'> & { aidantId?: number }, db?: Db): Promise<ReponseRecap> {
  if (db && c.aidantId !== undefined) await db('totp_devices').where({ aidant_id: c.aidantId }).update({ last_time_step: null }).catch(() => {});
  const res = await fetch(`${appUrl}/mandats/nouveau/recapitulatif`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams({ _csrf: c.csrf, consentement: 'oui', code: await generate({ secret: c.secret }) }),
  });
  return { status: res.status, location: res.headers.get('location') ?? '', page: await res.text() };
}
