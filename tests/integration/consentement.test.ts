// Remote mandats over HTTP: the creation form's "à distance" choice, the SMS through the Twilio fake, the
// usager's answer through the fake's signed webhook call, the waiting page and its JSON state, FranceConnect
// and the recap, then the mandat. The webhook's refusals (no signature, wrong signature, replay), an unknown
// number, two answers, the consent rule on real answers, a failed SMS retried, and every route refused to an
// anonymous visitor and to an aidant of another structure.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import twilio from 'twilio';
import { generate } from 'otplib';
import { createAccount, createStructure, loginHttp } from '../../scripts/fixtures/comptes.ts';
import { csrfFrom, HttpClient } from '../../scripts/fixtures/web.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import { suivreFranceConnect } from '../helpers/franceconnect.ts';
import { FAKE_TWILIO_AUTH_TOKEN } from '../../db/platform/twilio.ts';
import { CONSENTEMENT_STATUT } from '../../workflows/search-attributes.ts';
import { idWorkflowConsentement } from '../../db/domain/consentement.ts';
import { jusqua } from '../helpers/attente.ts';

const PUBLIC = 'http://app.test';
const WEBHOOK = '/sms/reponse';

let s: ServiceStack;
let structureA: number;
let structureB: number;
let aidant: HttpClient;
let aidantSecret: string;
let aidantId: number;
let autre: HttpClient;
let referent: HttpClient;
let numero = 0;

beforeAll(async () => {
  s = await startServiceStack(PUBLIC, { franceConnect: true, sms: true });
  structureA = await createStructure(s.t.db, { name: 'France Services de Lille' });
  structureB = await createStructure(s.t.db, { name: 'CCAS de Brest' });
  const a = await createAccount(s.t.db, { email: 'nora.petit@lille.fr', first_name: 'Nora', last_name: 'Petit', structureId: structureA });
  aidantSecret = a.totpSecret;
  aidantId = a.aidant.id;
  aidant = new HttpClient(s.app.url);
  await loginHttp(aidant, s.mail.catcher, 'nora.petit@lille.fr', a.totpSecret);
  const b = await createAccount(s.t.db, { email: 'yann.le-goff@brest.fr', first_name: 'Yann', last_name: 'Le Goff', structureId: structureB });
  autre = new HttpClient(s.app.url);
  await loginHttp(autre, s.mail.catcher, 'yann.le-goff@brest.fr', b.totpSecret);
  const r = await createAccount(s.t.db, { email: 'ines.garnier@lille.fr', structureId: structureA, referent: true, can_create_mandats: false });
  referent = new HttpClient(s.app.url);
  await loginHttp(referent, s.mail.catcher, 'ines.garnier@lille.fr', r.totpSecret);
});
afterAll(async () => {
  await s?.stop();
});
// One aidant makes most of this file's requests: each test starts in a new hour for the per-aidant limit
// (issue 18, item 2, tested on its own below); the per-number and per-structure 24-hour windows still hold.
beforeEach(async () => {
  await s.t.db('consent_requests').update({ created_at: s.t.db.raw(`created_at - interval '61 minutes'`) });
});

async function codeFrais(): Promise<string> {
  await s.t.db('totp_devices').where({ aidant_id: aidantId }).update({ last_time_step: null });
  return generate({ secret: aidantSecret, period: 30 });
}

/** A fresh mobile per request: 06 80 00 00 01, 06 80 00 00 02… (E.164 and as typed). */
function nouveauMobile(): { saisi: string; e164: string } {
  const n = String(++numero).padStart(2, '0');
  return { saisi: `06 80 00 00 ${n}`, e164: `+336800000${n}` };
}

async function formulaire(client: HttpClient, champs: Record<string, string | string[]>) {
  const page = await (await client.get('/mandats/nouveau')).text();
  return client.postForm('/mandats/nouveau', champs, csrfFrom(page));
}

/** Asks for a remote consent; returns the request id and its reply code once the consent request SMS left. */
async function demander(mobile = nouveauMobile(), demarches = ['social', 'logement'], client = aidant) {
  const res = await formulaire(client, { demarches, duree: 'MONTH', modalite: 'distance', telephone: mobile.saisi, certification: 'oui' });
  expect(res.status).toBe(303);
  const m = res.headers.get('location')!.match(/^\/mandats\/consentements\/([0-9a-f-]{36})$/);
  expect(m).not.toBeNull();
  const id = m![1];
  const { reply_code: code } = await s.t.db('consent_requests').where({ id }).first('reply_code');
  expect(code).toMatch(/^[0-9]{4}$/);
  // Issue 18, item 1: the consent SMS names the request's code.
  await s.sms!.waitFor((x) => x.to === mobile.e164 && x.body.includes(`Répondez « Oui ${code} »`));
  await jusqua(async () => (await etat(client, id)).body.statut === 'attente', 'l’attente');
  return { id, mobile, code: code as string };
}

async function etat(client: HttpClient, id: string) {
  const res = await client.request(`/mandats/consentements/${id}/etat`, { headers: { accept: 'application/json' } });
  return { status: res.status, body: await res.json() as { statut?: string; suite?: string; error?: string } };
}

const attendreStatut = (id: string, statut: string) => jusqua(async () => (await etat(aidant, id)).body.statut === statut && true, `le statut ${statut}`);

function parametresTwilio(from: string, body: string, sid = `SM${randomBytes(16).toString('hex')}`): Record<string, string> {
  return { MessageSid: sid, SmsSid: sid, AccountSid: 'AC' + '0'.repeat(32), From: from, To: 'AidantsCo', Body: body, NumMedia: '0', ApiVersion: '2010-04-01' };
}

/** Posts to the webhook like Twilio; `signature`: the header to send (default: the right one). */
async function appelTwilio(params: Record<string, string>, opts: { signature?: string | null } = {}) {
  const signature = opts.signature === undefined ? twilio.getExpectedTwilioSignature(FAKE_TWILIO_AUTH_TOKEN, PUBLIC + WEBHOOK, params) : opts.signature;
  const res = await fetch(s.app.url + WEBHOOK, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
    body: new URLSearchParams(params),
  });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

const recus = (id: string) => s.t.db('consent_sms').where({ consent_request_id: id, direction: 'in' });
const journal = (id: string) => s.t.db('journal').where({ consent_request_id: id }).orderBy('id').pluck('action');

describe('mandat à distance, de bout en bout', () => {
  test('form → SMS → " OUI <code> " through the fake → waiting page moves on → FranceConnect → recap → remote mandat', async () => {
    const form = await (await aidant.get('/mandats/nouveau')).text();
    expect(form).toContain('Où est l’usager ?');
    expect(form).toContain('id="modalite-distance"');
    const { id, mobile, code } = await demander(nouveauMobile(), ['social', 'logement']);
    const [recap] = s.sms!.messages().filter((m) => m.to === mobile.e164);
    expect(recap.body).toContain('France Services de Lille va créer un mandat d’un mois en votre nom pour les démarches suivantes :\n- Social - Santé\n- Logement');

    const page = await (await aidant.get(`/mandats/consentements/${id}`)).text();
    expect(page).toContain('En attente de la réponse de l’usager');
    expect(page).toContain('data-statut="attente"');
    expect(page).toContain('<script src="/js/attente-consentement.js" defer></script>');
    expect(page).toContain('06 80 00 00 01');
    const script = await aidant.request('/js/attente-consentement.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain("zone.getAttribute('data-etat')");

    const reponse = await s.sms!.reply({ from: mobile.e164, body: ` OUI ${code} ` });
    expect(reponse.status).toBe(200);
    await attendreStatut(id, 'consentement');
    expect((await etat(aidant, id)).body).toEqual({ statut: 'consentement', suite: `/mandats/consentements/${id}/franceconnect` });
    await s.sms!.waitFor((m) => m.to === mobile.e164 && m.body.includes('enregistré votre accord'));

    const versFc = await aidant.get(`/mandats/consentements/${id}/franceconnect`);
    expect(versFc.status).toBe(303);
    const retour = await suivreFranceConnect(versFc.headers.get('location')!, 'test');
    expect((await aidant.get(retour.pathname + retour.search)).status).toBe(303);
    const recapitulatif = await (await aidant.get('/mandats/nouveau/recapitulatif')).text();
    expect(recapitulatif).toContain('Mandat à distance');
    expect(recapitulatif).toContain('06 80 00 00 01');
    const cree = await aidant.postForm('/mandats/nouveau/recapitulatif', { consentement: 'oui', code: await codeFrais() }, csrfFrom(recapitulatif));
    expect(cree.status).toBe(303);
    const [, usagerId, mandatId] = cree.headers.get('location')!.match(/^\/usagers\/(\d+)#mandat-(\d+)$/)!.map(Number);

    const mandat = await s.t.db('mandats').where({ id: mandatId }).first();
    expect(mandat).toMatchObject({ is_remote: true, remote_consent_method: 'SMS', consent_request_id: id, structure_id: structureA, duree_keyword: 'MONTH' });
    // The mobile is the structure's (issue 18, item 6).
    expect(await s.t.db('usager_contacts').where({ usager_id: usagerId, structure_id: structureA }).first('phone')).toEqual({ phone: mobile.e164 });
    const [attestation] = await s.t.db('journal').where({ mandat_id: mandatId, action: 'create_attestation' });
    expect(attestation).toMatchObject({ is_remote_mandat: true, remote_consent_method: 'SMS', consent_request_id: id, user_phone: null });
    expect(await journal(id)).toEqual(['remote_sms_recap_sent', 'remote_sms_consent_sent', 'remote_sms_consent_received', 'create_attestation']);
    expect((await s.env.client.workflow.getHandle(`mandat-${mandatId}`).describe()).status.name).toBe('RUNNING');

    expect((await etat(aidant, id)).body).toEqual({ statut: 'mandat-cree', suite: `/usagers/${usagerId}#mandat-${mandatId}` });
    const encore = await aidant.get(`/mandats/consentements/${id}/franceconnect`);
    expect(encore.headers.get('location')).toBe(`/usagers/${usagerId}#mandat-${mandatId}`);
    expect(await (await aidant.get(`/mandats/consentements/${id}`)).text()).toContain('Le mandat a été créé');
  });
});

describe('le webhook Twilio', () => {
  test('missing, wrong or replayed signatures are refused (403); a valid one is answered with empty TwiML', async () => {
    const { id, mobile, code } = await demander();
    const params = parametresTwilio(mobile.e164, `Non ${code}`);
    expect((await appelTwilio(params, { signature: null })).status).toBe(403);
    expect((await appelTwilio(params, { signature: twilio.getExpectedTwilioSignature('un-autre-jeton', PUBLIC + WEBHOOK, params) })).status).toBe(403);
    // Signed over another address than the public one, or for other parameters.
    expect((await appelTwilio(params, { signature: twilio.getExpectedTwilioSignature(FAKE_TWILIO_AUTH_TOKEN, s.app.url + WEBHOOK, params) })).status).toBe(403);
    expect((await appelTwilio({ ...params, Body: 'Oui' }, { signature: twilio.getExpectedTwilioSignature(FAKE_TWILIO_AUTH_TOKEN, PUBLIC + WEBHOOK, params) })).status).toBe(403);
    expect((await appelTwilio(params, { signature: 'pas-une-signature' })).status).toBe(403);
    expect(await recus(id)).toHaveLength(0);
    expect((await etat(aidant, id)).body.statut).toBe('attente');

    const ok = await appelTwilio(params);
    expect(ok).toEqual({ status: 200, text: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>', type: expect.stringMatching(/^text\/xml/) });
    await attendreStatut(id, 'refus');
    // The very same signed call again: a replay.
    expect((await appelTwilio(params)).status).toBe(403);
    expect(await recus(id)).toHaveLength(1);

    // A well-signed call without a MessageSid is malformed.
    const sansSid = { From: mobile.e164, Body: 'Oui' };
    expect((await appelTwilio(sansSid)).status).toBe(400);
    expect((await fetch(s.app.url + WEBHOOK)).status).toBe(404);
  });

  test('two answers: the first decides, the second is ignored and journaled', async () => {
    const { id, mobile, code } = await demander();
    expect((await s.sms!.reply({ from: mobile.e164, body: `Non merci ${code}` })).status).toBe(200);
    await attendreStatut(id, 'refus');
    expect((await s.sms!.reply({ from: mobile.e164, body: `Oui ${code}` })).status).toBe(200);
    await jusqua(async () => (await journal(id)).length === 4, 'la seconde réponse au journal');
    expect(await journal(id)).toEqual(['remote_sms_recap_sent', 'remote_sms_consent_sent', 'remote_sms_denial_received', 'remote_sms_answer_ignored']);
    expect((await etat(aidant, id)).body.statut).toBe('refus');
    expect(await (await aidant.get(`/mandats/consentements/${id}`)).text()).toContain('L’usager n’a pas donné son accord');
    // One receipt only: the refusal.
    expect(s.sms!.messages().filter((m) => m.to === mobile.e164).map((m) => m.body.includes('enregistré votre refus'))).toEqual([false, false, true]);
  });

  test('a number with no request: the same empty answer, nothing stored but the MessageSid', async () => {
    const avant = await s.t.db('consent_sms').count({ n: '*' }).first();
    const params = parametresTwilio('+33799999999', 'Oui');
    const res = await appelTwilio(params);
    expect(res).toMatchObject({ status: 200, text: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' });
    expect(await s.t.db('consent_sms').count({ n: '*' }).first()).toEqual(avant);
    expect(await s.t.db('twilio_inbound_sids').where({ message_sid: params.MessageSid })).toHaveLength(1);
    expect((await appelTwilio(params)).status).toBe(403);
  });

  test.each([['oui.', 'consentement'], ['Oui !', 'refus'], ['Oui .', 'consentement'], ['oui..', 'refus']])('« %s <code> » → %s', async (texte, attendu) => {
    const { id, mobile, code } = await demander();
    expect((await s.sms!.reply({ from: mobile.e164, body: `${texte} ${code}` })).status).toBe(200);
    await attendreStatut(id, attendu);
    const [recu] = await recus(id);
    expect(recu.body).toBe(`${texte} ${code}`);
  });
});

describe('un SMS qui ne part pas', () => {
  test('the aidant sees a clear message, retries, and the SMS leave once', async () => {
    const mobile = nouveauMobile();
    s.sms!.failNext(3, { to: mobile.e164 });
    const res = await formulaire(aidant, { demarches: ['famille'], duree: 'SHORT', modalite: 'distance', telephone: mobile.saisi, certification: 'oui' });
    const id = res.headers.get('location')!.split('/').pop()!;
    await attendreStatut(id, 'echec');
    const page = await (await aidant.get(`/mandats/consentements/${id}`)).text();
    expect(page).toContain('Le SMS n’a pas pu être envoyé');
    expect(page).toContain('mailto:contact@aidantsconnect.beta.gouv.fr');
    expect(await journal(id)).toEqual([]);
    const relance = await aidant.postForm(`/mandats/consentements/${id}/relancer`, {}, csrfFrom(page));
    expect(relance.status).toBe(303);
    expect(relance.headers.get('location')).toBe(`/mandats/consentements/${id}`);
    await attendreStatut(id, 'attente');
    expect(s.sms!.messages().filter((m) => m.to === mobile.e164)).toHaveLength(2);
    // Nothing to retry any more.
    const encore = await aidant.postForm(`/mandats/consentements/${id}/relancer`, {}, csrfFrom(page));
    expect(encore.status).toBe(303);
    expect(s.sms!.messages().filter((m) => m.to === mobile.e164)).toHaveLength(2);
  });
});

describe('refus', () => {
  let id: string;
  beforeAll(async () => {
    ({ id } = await demander());
  });

  test('an anonymous visitor: login asked for the pages, 401 in JSON, CSRF refusal for the retry', async () => {
    const inconnu = new HttpClient(s.app.url);
    for (const chemin of [`/mandats/consentements/${id}`, `/mandats/consentements/${id}/franceconnect`]) {
      const res = await inconnu.get(chemin);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/connexion\?suivant=/);
    }
    expect(await etat(inconnu, id)).toEqual({ status: 401, body: { error: 'non_connecte' } });
    expect((await inconnu.postForm(`/mandats/consentements/${id}/relancer`, {})).status).toBe(403);
  });

  test('an aidant of another structure: 404 everywhere, nothing revealed', async () => {
    const page = await (await autre.get('/mandats/nouveau')).text();
    for (const chemin of [`/mandats/consentements/${id}`, `/mandats/consentements/${id}/franceconnect`]) expect((await autre.get(chemin)).status).toBe(404);
    expect(await etat(autre, id)).toEqual({ status: 404, body: { error: 'not_found' } });
    expect((await autre.postForm(`/mandats/consentements/${id}/relancer`, {}, csrfFrom(page))).status).toBe(404);
    expect((await aidant.get('/mandats/consentements/pas-un-uuid')).status).toBe(404);
    expect((await etat(aidant, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  test('an account that cannot make mandats: 403 in JSON', async () => {
    expect((await etat(referent, id)).status).toBe(403);
  });

  test('no FranceConnect before consent: back to the waiting page', async () => {
    const res = await aidant.get(`/mandats/consentements/${id}/franceconnect`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/mandats/consentements/${id}`);
  });

  test('the form: a remote mandat needs the mobile and the certification; nothing is sent otherwise', async () => {
    const avant = await s.t.db('consent_requests').count({ n: '*' }).first();
    const res = await formulaire(aidant, { demarches: ['social'], duree: 'MONTH', modalite: 'distance' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Saisissez le mobile de l’usager : il y recevra les SMS de consentement.');
    expect(html).toContain('Cochez la case pour certifier que ce numéro est bien celui de l’usager.');
    expect(html).toContain('id="modalite-distance" name="modalite" value="distance" checked');
    expect(await s.t.db('consent_requests').count({ n: '*' }).first()).toEqual(avant);
  });

  test('three requests to one number in 24 hours, then the fourth is refused', async () => {
    const mobile = nouveauMobile();
    for (let i = 0; i < 3; i++) {
      const res = await formulaire(aidant, { demarches: ['social'], duree: 'MONTH', modalite: 'distance', telephone: mobile.saisi, certification: 'oui' });
      expect(res.status).toBe(303);
    }
    const quatrieme = await formulaire(aidant, { demarches: ['social'], duree: 'MONTH', modalite: 'distance', telephone: mobile.saisi, certification: 'oui' });
    expect(quatrieme.status).toBe(429);
    expect(await quatrieme.text()).toContain('Votre structure a déjà envoyé 3 demandes d’accord à ce numéro en 24 heures');
    expect(await s.t.db('consent_requests').where({ phone: mobile.e164 })).toHaveLength(3);
  });
});

describe('annuler une demande (issue 18)', () => {
  test('the waiting page gives the deadline and « Annuler la demande »; cancelled, the workflow stops and a late « Oui » is ignored and journaled', async () => {
    const { id, mobile } = await demander();
    const page = await (await aidant.get(`/mandats/consentements/${id}`)).text();
    const { answer_deadline: echeance } = await s.t.db('consent_requests').where({ id }).first('answer_deadline');
    const attendu = echeance.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).replace(':', ' h ');
    expect(page).toContain(`L’usager a jusqu’au <strong>${attendu}</strong> pour répondre.`);
    expect(page).toContain(`<form method="post" action="/mandats/consentements/${id}/annuler"`);
    expect(page).toContain('Annuler la demande</button>');

    // Another structure's aidant, or no CSRF token: refused, nothing changes.
    expect((await autre.postForm(`/mandats/consentements/${id}/annuler`, {}, csrfFrom(await (await autre.get('/usagers')).text()))).status).toBe(404);
    expect((await aidant.postForm(`/mandats/consentements/${id}/annuler`, {}, 'jeton-faux')).status).toBe(403);
    expect(await s.t.db('consent_requests').where({ id }).first('status')).toEqual({ status: 'awaiting' });

    const annule = await aidant.postForm(`/mandats/consentements/${id}/annuler`, {}, csrfFrom(page));
    expect([annule.status, annule.headers.get('location')]).toEqual([303, `/mandats/consentements/${id}`]);
    expect(await s.t.db('consent_requests').where({ id }).first('status')).toEqual({ status: 'cancelled' });
    expect(await s.t.db('journal').where({ consent_request_id: id, action: 'remote_consent_cancelled' }).first('aidant_id', 'structure_id'))
      .toEqual({ aidant_id: aidantId, structure_id: structureA });
    const handle = s.env.client.workflow.getHandle(idWorkflowConsentement(id));
    await jusqua(async () => (await handle.describe()).typedSearchAttributes.get(CONSENTEMENT_STATUT) === 'annulee', 'ConsentementStatut annulee');
    expect((await etat(aidant, id)).body).toEqual({ statut: 'annulee' });
    const apres = await (await aidant.get(`/mandats/consentements/${id}`)).text();
    expect(apres).toContain('Demande annulée');
    expect(apres).not.toContain('Annuler la demande</button>');

    // The usager's « Oui » comes late: ignored, journaled, no receipt, no mandat possible.
    expect((await s.sms!.reply({ from: mobile.e164, body: 'Oui' })).status).toBe(200);
    await jusqua(async () => (await journal(id)).includes('remote_sms_answer_ignored'), 'la réponse ignorée au journal');
    expect(await journal(id)).toEqual(['remote_sms_recap_sent', 'remote_sms_consent_sent', 'remote_consent_cancelled', 'remote_sms_answer_ignored']);
    expect(await s.t.db('journal').where({ consent_request_id: id, action: 'remote_sms_answer_ignored' }).first('additional_information'))
      .toEqual({ additional_information: 'Réponse ignorée (demande annulée par l’aidant)' });
    expect(await s.t.db('consent_requests').where({ id }).first('status')).toEqual({ status: 'cancelled' });
    expect(s.sms!.messages().filter((m) => m.to === mobile.e164)).toHaveLength(2);
    expect((await aidant.get(`/mandats/consentements/${id}/franceconnect`)).headers.get('location')).toBe(`/mandats/consentements/${id}`);

    // A second cancellation changes nothing.
    expect((await aidant.postForm(`/mandats/consentements/${id}/annuler`, {}, csrfFrom(apres))).status).toBe(303);
    expect(await s.t.db('journal').where({ consent_request_id: id, action: 'remote_consent_cancelled' })).toHaveLength(1);
  });
});

describe('issue 18: a reply tied to its request, limits per aidant and per structure', () => {
  test('item 1: a second structure’s request to the same number does not capture the « Oui » meant for the first', async () => {
    const mobile = nouveauMobile();
    const premiere = await demander(mobile, ['social'], aidant);
    // Structure B writes to the same number afterwards: its request is the number's latest.
    const seconde = await demander(mobile, ['famille'], autre);
    expect(seconde.code).not.toBe(premiere.code);
    // A bare « Oui » names no request: it decides nothing, and both still wait.
    expect((await s.sms!.reply({ from: mobile.e164, body: 'Oui' })).status).toBe(200);
    await jusqua(async () => (await journal(seconde.id)).includes('remote_sms_answer_ignored'), 'la réponse sans code au journal');
    expect((await etat(aidant, premiere.id)).body.statut).toBe('attente');
    expect((await etat(autre, seconde.id)).body.statut).toBe('attente');
    // The usager answers the first structure's SMS: its request gets the consent, the second does not.
    expect((await s.sms!.reply({ from: mobile.e164, body: `Oui ${premiere.code}` })).status).toBe(200);
    await attendreStatut(premiere.id, 'consentement');
    expect(await recus(premiere.id)).toHaveLength(1);
    expect((await etat(autre, seconde.id)).body.statut).toBe('attente');
    expect(await journal(seconde.id)).not.toContain('remote_sms_consent_received');
    expect(await s.t.db('consent_requests').where({ id: seconde.id }).first('status')).toEqual({ status: 'awaiting' });
  });

  test('item 2: the per-number limit counts one structure’s requests only: A’s three do not block B', async () => {
    const mobile = nouveauMobile();
    for (let i = 0; i < 3; i++) {
      expect((await formulaire(aidant, { demarches: ['social'], duree: 'MONTH', modalite: 'distance', telephone: mobile.saisi, certification: 'oui' })).status).toBe(303);
    }
    expect((await formulaire(aidant, { demarches: ['social'], duree: 'MONTH', modalite: 'distance', telephone: mobile.saisi, certification: 'oui' })).status).toBe(429);
    const deB = await formulaire(autre, { demarches: ['famille'], duree: 'MONTH', modalite: 'distance', telephone: mobile.saisi, certification: 'oui' });
    expect(deB.status).toBe(303);
    expect(await s.t.db('consent_requests').where({ phone: mobile.e164 }).orderBy('structure_id').pluck('structure_id')).toEqual([structureA, structureA, structureA, structureB]);
  });

  test('item 2: one aidant sends at most 10 requests an hour, whatever the numbers; the 11th sends no SMS', async () => {
    const { totpSecret } = await createAccount(s.t.db, { email: 'rapide@lille.fr', first_name: 'Rapide', last_name: 'Test', structureId: structureA });
    const rapide = new HttpClient(s.app.url);
    await loginHttp(rapide, s.mail.catcher, 'rapide@lille.fr', totpSecret);
    const numeros = Array.from({ length: 11 }, () => nouveauMobile());
    const statuts: number[] = [];
    for (const m of numeros) {
      statuts.push((await formulaire(rapide, { demarches: ['social'], duree: 'MONTH', modalite: 'distance', telephone: m.saisi, certification: 'oui' })).status);
    }
    expect(statuts).toEqual([...Array(10).fill(303), 429]);
    const refus = await formulaire(rapide, { demarches: ['social'], duree: 'MONTH', modalite: 'distance', telephone: nouveauMobile().saisi, certification: 'oui' });
    expect(await refus.text()).toContain('Vous avez déjà envoyé 10 demandes d’accord en une heure');
    const dernier = numeros[10].e164;
    expect(await s.t.db('consent_requests').where({ phone: dernier })).toHaveLength(0);
    await jusqua(async () => s.sms!.messages().filter((m) => m.to === numeros[9].e164).length === 2, 'les SMS de la dixième demande');
    expect(s.sms!.messages().filter((m) => m.to === dernier)).toHaveLength(0);
  });

  test('item 2: a structure sends at most 50 requests in 24 hours', async () => {
    const petite = await createStructure(s.t.db, { name: 'Petite structure' });
    const { aidant: a, totpSecret } = await createAccount(s.t.db, { email: 'seule@petite.fr', first_name: 'Seule', last_name: 'Test', structureId: petite });
    const client = new HttpClient(s.app.url);
    await loginHttp(client, s.mail.catcher, 'seule@petite.fr', totpSecret);
    // 50 earlier requests of the structure today (by several aidants, some hours ago).
    await s.t.db('consent_requests').insert(Array.from({ length: 50 }, (_v, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, aidant_id: a.id, structure_id: petite, phone: `+3368100${String(i).padStart(4, '0')}`,
      demarches: ['social'], duree_keyword: 'MONTH', status: 'expired', created_at: new Date(Date.now() - 5 * 3600 * 1000),
    })));
    const mobile = nouveauMobile();
    const res = await formulaire(client, { demarches: ['social'], duree: 'MONTH', modalite: 'distance', telephone: mobile.saisi, certification: 'oui' });
    expect(res.status).toBe(429);
    expect(await res.text()).toContain('Votre structure a déjà envoyé 50 demandes d’accord en 24 heures');
    expect(await s.t.db('consent_requests').where({ phone: mobile.e164 })).toHaveLength(0);
  });
});
