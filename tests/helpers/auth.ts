// Accounts and logins for tests: an active account with a confirmed OTP app and accepted CGU, and the real
// login (email + TOTP → magic link read from the mail catcher) over HTTP or in the browser.
import { generate, generateSecret } from 'otplib';
import type { Page } from 'playwright-core';
import type { Db } from '../../db/connection.ts';
import { Aidant } from '../../db/models/index.ts';
import { VERSION_CGU } from '../../db/domain/cgu.ts';
import { seal } from '../../db/secrets.ts';
import type { MailCatcher } from '../../scripts/fakes/mail-catcher.ts';
import { csrfFrom, type HttpClient } from './web.ts';

export async function createAccount(
  db: Db,
  fields: { email: string; first_name?: string; last_name?: string; is_staff?: boolean; is_active?: boolean; structureId?: number; referent?: boolean; can_create_mandats?: boolean; phone?: string; withDevice?: boolean; cgu?: boolean },
): Promise<{ aidant: Aidant; totpSecret: string }> {
  const aidant = await Aidant.query(db).insert({
    email: fields.email,
    first_name: fields.first_name ?? 'Prénom',
    last_name: fields.last_name ?? 'Nom',
    is_staff: fields.is_staff ?? false,
    is_active: fields.is_active ?? true,
    can_create_mandats: fields.can_create_mandats ?? !fields.is_staff,
    phone: fields.phone ?? null,
    current_structure_id: fields.structureId ?? null,
    cgu_version: fields.cgu === false ? null : VERSION_CGU,
    cgu_accepted_at: fields.cgu === false ? null : new Date(),
  });
  if (fields.structureId) {
    await db('aidant_structures').insert({ aidant_id: aidant.id, structure_id: fields.structureId });
    if (fields.referent) await db('referent_structures').insert({ aidant_id: aidant.id, structure_id: fields.structureId });
  }
  const totpSecret = generateSecret();
  if (fields.withDevice !== false) {
    await db('totp_devices').insert({ aidant_id: aidant.id, kind: 'app', secret: seal('totp_devices.secret', totpSecret), period: 30, confirmed: true });
  }
  return { aidant, totpSecret };
}

export async function createStructure(db: Db, fields: { name?: string; siret?: string } = {}): Promise<number> {
  const [row] = await db('structures').insert({ name: fields.name ?? 'Structure de test', siret: fields.siret ?? null, type: 'france_services' }).returning('id');
  return row.id;
}

/** A code for the next unused time step (codes are single use, so two logins in one step need this). */
let lastStepBySecret = new Map<string, number>();
export async function totpCode(secret: string, period = 30): Promise<string> {
  const nowStep = Math.floor(Date.now() / 1000 / period);
  const step = Math.max(nowStep, (lastStepBySecret.get(secret) ?? -1) + 1);
  lastStepBySecret.set(secret, step);
  // A future step is accepted within the tolerance of one step; never more than one ahead.
  if (step > nowStep + 1) {
    await new Promise((r) => setTimeout(r, (step - 1) * period * 1000 - Date.now() + 50));
  }
  return generate({ secret, period, epoch: step * period });
}

export function resetTotpSteps(): void {
  lastStepBySecret = new Map();
}

function linkIn(text: string): string {
  const m = text.match(/https?:\/\/\S+\/connexion\/lien\/[A-Za-z0-9_-]+/);
  if (!m) throw new Error('no login link in email');
  return m[0];
}

export async function loginHttp(client: HttpClient, catcher: MailCatcher, email: string, totpSecret: string): Promise<void> {
  const form = await (await client.get('/connexion')).text();
  const before = catcher.emails().length;
  const res = await client.postForm('/connexion', { email, code: await totpCode(totpSecret) }, csrfFrom(form));
  if (res.status !== 200) throw new Error(`login refused: ${res.status}`);
  const mail = await catcher.waitFor((m, i = catcher.emails().indexOf(m)) => i >= before && m.to.includes(email.toLowerCase()) && m.subject.includes('lien de connexion'));
  const path = new URL(linkIn(mail.text)).pathname;
  const confirm = await (await client.get(path)).text();
  const done = await client.postForm(path, {}, csrfFrom(confirm));
  if (done.status !== 303) throw new Error(`magic link refused: ${done.status}`);
  const landing = await client.get('/espace');
  const where = landing.headers.get('location') ?? '';
  if (where.startsWith('/connexion')) throw new Error(`${JSON.stringify((client as unknown as { cookies: Map<string, string> }).cookies.get('ac_session'))} ${done.headers.get('set-cookie')} session not open after login (mail ${mail.id} to ${mail.to}, link ${path}, landing ${where})`);
}

export async function loginBrowser(page: Page, baseUrl: string, catcher: MailCatcher, email: string, totpSecret: string): Promise<void> {
  const before = catcher.emails().length;
  await page.goto(`${baseUrl}/connexion`);
  await page.getByLabel('Adresse e-mail professionnelle').fill(email);
  await page.getByLabel('Code à usage unique').fill(await totpCode(totpSecret));
  await page.getByRole('button', { name: 'Recevoir mon lien de connexion' }).click();
  await page.getByRole('heading', { name: 'Consultez votre messagerie' }).waitFor();
  const mail = await catcher.waitFor((m) => catcher.emails().indexOf(m) >= before && m.to.includes(email.toLowerCase()) && m.subject.includes('lien de connexion'));
  await page.goto(linkIn(mail.text).replace(/^https?:\/\/[^/]+/, baseUrl));
  await page.getByRole('button', { name: 'Me connecter' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/connexion'));
}
