// Fuzzing every route with fast-check (issue 19): at least 10,000 generated requests per run (FUZZ_RUNS) against
// the real app on real PostgreSQL — every form (with the session's CSRF token, so the handlers are reached),
// the JSON routes, the identity provider's endpoints (authorize, token, userinfo, logout, interaction) and the
// SMS webhook (signed, so its handler is reached) — with values holding NUL characters, lone surrogates,
// 100 kB strings, arrays where strings are expected, objects, Latin-1 or CESU-8 bytes, JSON sent as a form.
// Checked for each: no 5xx; a request carrying a NUL or invalid Unicode is refused (400, or 413/431 when too
// large to be read) and writes no row at all; any other refusal (4xx) writes no row but its session and the
// counters of failed attempts (tests/helpers/app-complete.ts). The seed is printed: FUZZ_SEED=<seed> replays
// a failure (fast-check then shrinks it to the smallest failing request).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { messageSid, startAppComplete, TABLES_SANS_DOMAINE, type AppComplete } from '../helpers/app-complete.ts';
import { creerDemandeComplete } from '../helpers/habilitation.ts';
import { FC } from '../../scripts/fixtures/fournisseur-identite.ts';
import { csrfFrom, HttpClient } from '../../scripts/fixtures/web.ts';
import { CHEMIN_WEBHOOK_SMS } from '../../db/platform/twilio.ts';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

let app: AppComplete;
let demandeId: string;

type SessionNom = keyof AppComplete['sessions'] | 'demandeur';
type Forme = 'query' | 'form' | 'json' | 'multipart' | 'webhook' | 'token';
interface Route {
  method: 'GET' | 'POST';
  path: string;
  session: SessionNom;
  forme: Forme;
  champs: string[];
}

const CHAMPS_COMMUNS = [
  'email', 'code', 'demarches', 'demarche', 'duree', 'modalite', 'telephone', 'certification', 'usager', 'consentement', 'motif', 'message',
  'raison', 'precision', 'decision', 'serial', 'structure_id', 'phone', 'first_name', 'last_name', 'profession', 'siret', 'structure_name',
  'structure_type', 'address', 'postal_code', 'city', 'is_public', 'partner_administration', 'free_support_certified', 'referent_email',
  'referent_first_name', 'referent_last_name', 'referent_phone', 'referent_profession', 'referent_is_aidant', 'accepter', 'rattachement',
  'autorisation', 'q', 'statut', 'recherche', 'suivant', 'cgu', 'not_free', 'dpo', 'professionals_only', 'without_elected',
];
const AUTHORIZE = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'acr_values', 'prompt', 'claims', 'login_hint', 'ui_locales', 'claims_locales', 'display', 'max_age', 'id_token_hint'];

function routes(): Route[] {
  const { mandat, usager, collegue, interaction, structure } = app.ids;
  const r = (method: Route['method'], path: string, session: SessionNom, forme: Forme, champs: string[] = []): Route => ({ method, path, session, forme, champs });
  const pages = (session: SessionNom, paths: string[]) => paths.map((p) => r('GET', p, session, 'query', ['recherche', 'q', 'statut', 'suivant', 'usager', 'autorisation', 'code', 'page']));
  return [
    // Pages with parameters (their query strings are fuzzed).
    ...pages('anonyme', ['/', '/connexion', '/verification', '/verifier', '/verifier/ABC123', '/premiere-connexion', '/habilitation', '/habilitation/confirmer/xyz', `/habilitation/demande/${'0'.repeat(8)}-0000-0000-0000-000000000000/acces`, '/cgu', '/health', '/deconnexion', '/connexion/lien/abc']),
    ...pages('aidant', ['/usagers', `/usagers/${usager}`, '/mandats/nouveau', '/mandats/nouveau/recapitulatif', '/mandats/nouveau/franceconnect', `/mandats/${mandat}/revoquer`, `/mandats/${mandat}/mandat.pdf`, '/espace-aidant', '/espace', `/interaction/${interaction}`, `/interaction/${interaction}/demarche`, '/mandats/consentements/00000000-0000-0000-0000-000000000000/etat']),
    ...pages('aidant', ['/espace-aidant/structure']),
    ...pages('referent', ['/espace-referent/structures', `/espace-referent/structures/${structure}`, `/espace-referent/structures/${structure}/aidants/${collegue}`, `/espace-referent/structures/${structure}/aidants/${collegue}/retrait`]),
    ...pages('referent', ['/espace-referent', `/espace-referent/aidants/${collegue}`, `/espace-referent/aidants/${collegue}/desactivation`, '/espace-referent/cartes', '/espace-referent/demarches', '/espace-referent/habilitation', '/espace-referent/horaires', '/espace-referent/alertes', '/espace-referent/alertes/1']),
    ...pages('staff', ['/staff', '/staff/habilitations', '/staff/habilitations/liste-attente', '/staff/structures', `/staff/structures/${structure}`, '/staff/cartes', `/staff/habilitations/${demandeId}`, '/staff/alertes', '/staff/alertes/1', `/staff/structures/${structure}/suspension`, `/staff/structures/${structure}/transfert`]),
    ...pages('demandeur', [`/habilitation/demande/${demandeId}`, `/habilitation/demande/${demandeId}/structure`, `/habilitation/demande/${demandeId}/aidants`]),
    // Forms.
    r('POST', '/connexion', 'anonyme', 'form', ['email', 'code']),
    r('POST', '/verification', 'anonyme', 'form', ['code']),
    r('POST', '/premiere-connexion', 'anonyme', 'form', ['email', 'code']),
    r('POST', '/habilitation', 'anonyme', 'form', ['email', 'first_name', 'last_name', 'profession']),
    r('POST', `/habilitation/demande/${demandeId}/acces`, 'anonyme', 'form', ['email']),
    r('POST', `/habilitation/demande/${demandeId}/structure`, 'demandeur', 'form', ['siret', 'structure_name', 'structure_type', 'address', 'postal_code', 'city', 'is_public', 'partner_administration', 'free_support_certified']),
    r('POST', `/habilitation/demande/${demandeId}/referent`, 'demandeur', 'form', ['referent_first_name', 'referent_last_name', 'referent_email', 'referent_phone', 'referent_profession', 'referent_is_aidant']),
    r('POST', `/habilitation/demande/${demandeId}/aidants`, 'demandeur', 'form', ['email', 'first_name', 'last_name', 'profession']),
    r('POST', `/habilitation/demande/${demandeId}/engagements`, 'demandeur', 'form', ['cgu', 'not_free', 'dpo', 'professionals_only', 'without_elected']),
    r('POST', '/mandats/nouveau', 'aidant', 'form', ['demarches', 'duree', 'modalite', 'telephone', 'certification', 'usager']),
    r('POST', '/mandats/nouveau/recapitulatif', 'aidant', 'form', ['code', 'consentement', 'certification']),
    r('POST', `/mandats/${mandat}/revoquer`, 'aidant', 'form', ['demarches', 'autorisation', 'motif']),
    r('POST', '/mandats/consentements/00000000-0000-0000-0000-000000000000/relancer', 'aidant', 'form'),
    r('POST', '/espace-aidant/carte/resynchronisation', 'aidant', 'form', ['code']),
    r('POST', '/cgu/accepter', 'aidant', 'form', ['accepter']),
    r('POST', `/interaction/${interaction}/demarche`, 'aidant', 'form', ['usager', 'demarche']),
    r('POST', `/interaction/${interaction}/annuler`, 'aidant', 'form'),
    r('POST', `/espace-referent/aidants/${collegue}/carte`, 'referent', 'form', ['serial']),
    r('POST', `/espace-referent/aidants/${collegue}/carte/validation`, 'referent', 'form', ['code']),
    r('POST', `/espace-referent/aidants/${collegue}/application`, 'referent', 'form', ['code']),
    r('POST', `/espace-referent/aidants/${collegue}/desactivation`, 'referent', 'form', ['motif', 'raison', 'precision']),
    r('POST', `/espace-referent/demarches/${structure}`, 'referent', 'form', ['demarches']),
    r('POST', '/espace-referent/habilitation/aidants', 'referent', 'form', ['email', 'first_name', 'last_name', 'profession', 'phone']),
    // Several structures per aidant (removal and designation change the team the other routes need: not fuzzed).
    r('POST', '/espace-aidant/structure', 'aidant', 'form', ['structure_id', 'suivant']),
    r('POST', `/espace-referent/structures/${structure}/rattachements`, 'referent', 'form', ['email']),
    r('POST', `/espace-referent/structures/${structure}/aidants/${collegue}/ajout`, 'referent', 'form', ['structure_id']),
    r('POST', '/espace-referent/rattachements/1/accord', 'referent', 'form'),
    r('POST', '/staff/cartes', 'staff', 'form', ['serial', 'code', 'csv']),
    r('POST', `/staff/structures/${structure}`, 'staff', 'form', ['demarches', 'name']),
    // Issue 20 (the suspension and the confirmed transfer change what the other routes see: tested apart,
    // tests/integration/structures-staff.test.ts).
    r('POST', `/staff/structures/${structure}/horaires`, 'staff', 'form', ['j1_debut1', 'j1_fin1', 'j2_debut2', 'j2_fin2', 'feries']),
    r('POST', `/staff/structures/${structure}/transfert`, 'staff', 'form', ['cible', 'portee', 'mandats']),
    r('POST', '/staff/alertes/1/cloture', 'staff', 'form', ['commentaire']),
    r('POST', `/espace-referent/horaires/${structure}`, 'referent', 'form', ['j1_debut1', 'j1_fin1', 'j6_debut1', 'j6_fin1', 'feries']),
    r('POST', '/espace-referent/alertes/1/cloture', 'referent', 'form', ['commentaire']),
    r('POST', `/staff/habilitations/${demandeId}/decision`, 'staff', 'form', ['decision', 'message', 'motif']),
    r('POST', '/staff/habilitations/import-pix', 'staff', 'multipart', ['csv']),
    // JSON (a client asking for JSON, and JSON bodies).
    r('GET', '/mandats/consentements/00000000-0000-0000-0000-000000000000/etat', 'aidant', 'json'),
    r('POST', '/mandats/nouveau', 'aidant', 'json', ['demarches', 'duree', 'modalite', 'telephone']),
    r('POST', '/connexion', 'anonyme', 'json', ['email', 'code']),
    // The identity provider.
    r('GET', '/authorize/', 'aidant', 'query', AUTHORIZE),
    r('POST', '/authorize/', 'anonyme', 'form', AUTHORIZE),
    r('POST', '/token/', 'anonyme', 'token', ['grant_type', 'code', 'redirect_uri', 'client_id', 'client_secret', 'code_verifier']),
    r('GET', '/userinfo/', 'anonyme', 'query', ['access_token', 'schema']),
    r('POST', '/userinfo/', 'anonyme', 'token', ['access_token']),
    r('GET', '/logout/', 'anonyme', 'query', ['id_token_hint', 'state', 'post_logout_redirect_uri', 'client_id', 'ui_locales', 'logout_hint']),
    r('POST', '/logout/confirm', 'anonyme', 'token', ['xsrf', 'logout']),
    r('GET', '/.well-known/openid-configuration', 'anonyme', 'query', ['x']),
    r('GET', '/jwks/', 'anonyme', 'query', ['x']),
    // Twilio's webhook, signed.
    r('POST', CHEMIN_WEBHOOK_SMS, 'anonyme', 'webhook', ['Body', 'From', 'To', 'NumMedia', 'AccountSid']),
  ];
}

// ── Values ───────────────────────────────────────────────────────────────────────────────────────────────
// A value is a logical string (or array/object for JSON) plus how it is put on the wire; `poison` says that
// what arrives holds a NUL, a lone surrogate or bytes that are not UTF-8 — decided here, from what was
// generated, not by the code under test.

const bien = fc.constantFrom('famille', 'argent', 'SHORT', 'LONG', 'MONTH', 'distance', 'presentiel', 'oui', 'on', 'true', '06 12 34 56 78', '+33612345678',
  'awa.diallo@morlaix.fr', 'a@b.fr', '123456', '000000', '1', '0', '-1', '99999999999999999999', FC.clientId, FC.callback, 'openid profile', 'authorization_code',
  'code', 'login', 'eidas1', 'Hélène « Müller »', '13002526500013', 'mairie', 'accepter', 'refuser', '', ' ', '%', '%zz', '+', '&', '=', '[]', '{}', 'null');
const bienForme = (s: string) => !s.includes('\u0000') && (s as unknown as { isWellFormed(): boolean }).isWellFormed();
/** Valid text of every kind (any code point but U+0000, never a lone surrogate), 100 kB values included. */
const chaine = fc.oneof(
  { weight: 9, arbitrary: bien },
  { weight: 9, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(100_000), 'é'.repeat(50_000)) },
).filter(bienForme);
/** A NUL or a lone surrogate, alone, repeated, or slipped into valid text. */
const poison = fc.tuple(chaine.filter((s) => s.length < 1000), fc.constantFrom('\u0000', '\ud800', '\udfff', '\udbff', 'a\u0000b', '\ud83d', '\u0000'.repeat(1000)), fc.nat()).map(([s, p, i]) => {
  const k = i % (s.length + 1);
  return s.slice(0, k) + p + s.slice(k);
});
type Valeur = string | string[] | number | boolean | null | { [k: string]: Valeur };
/** Strings, arrays where strings are expected, and (sent as JSON) numbers, booleans, null, objects. */
const valeur: fc.Arbitrary<Valeur> = fc.oneof(
  { weight: 14, arbitrary: chaine },
  { weight: 3, arbitrary: fc.array(chaine, { minLength: 2, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 5 }).filter(bienForme), chaine, { maxKeys: 3 })) },
);

function valeurEmpoisonnee(v: unknown): boolean {
  if (typeof v === 'string') return !bienForme(v);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => !bienForme(k) || valeurEmpoisonnee(x));
  return false;
}

/** The bytes of a string, each UTF-16 unit of a lone surrogate written as 3 bytes (CESU-8, what broken clients send). */
function octets(s: string, codage: 'utf8' | 'latin1'): Buffer {
  if (codage === 'latin1') return Buffer.from(s.replace(/[^\u0000-\u00ff]/g, '?'), 'latin1');
  if (bienForme(s) || !/[\ud800-\udfff]/.test(s)) return Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    const paire = u >= 0xd800 && u <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
    if (paire) {
      out.push(...Buffer.from(s.slice(i, i + 2), 'utf8'));
      i++;
    } else if (u >= 0xd800 && u <= 0xdfff) {
      out.push(0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f));
    } else {
      out.push(...Buffer.from(s[i], 'utf8'));
    }
  }
  return Buffer.from(out);
}
const POURCENT = Array.from({ length: 256 }, (_, b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0')));
function pourcent(s: string, codage: 'utf8' | 'latin1'): string {
  const b = octets(s, codage);
  let out = '';
  for (let i = 0; i < b.length; i++) out += POURCENT[b[i]];
  return out;
}
/** Latin-1 bytes of a string are UTF-8 by chance only when none is above 0x7F or they happen to pair up. */
const latin1Invalide = (s: string) => {
  const b = octets(s, 'latin1');
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return b.includes(0);
  } catch {
    return true;
  }
};

interface Cas {
  route: number;
  champs: [string, Valeur][];
  codage: 'utf8' | 'latin1';
  envoi: 'attendu' | 'json-en-form' | 'form-en-json' | 'charset-latin1';
  csrf: boolean;
  segment: Valeur | null;
  /** About one request in three carries a poison: in a field's name, a field's value, an array item, or the path. */
  poison: { ou: 'nom' | 'valeur' | 'element' | 'chemin'; texte: string; index: number } | null;
}

const cas = (n: number): fc.Arbitrary<Cas> =>
  fc.record({
    route: fc.nat({ max: n - 1 }),
    champs: fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constant('·') }, { weight: 1, arbitrary: fc.constantFrom(...CHAMPS_COMMUNS) }, { weight: 1, arbitrary: chaine.filter((s) => s.length < 200) }), valeur), { maxLength: 6 }),
    codage: fc.constantFrom('utf8', 'utf8', 'utf8', 'utf8', 'latin1'),
    envoi: fc.constantFrom('attendu', 'attendu', 'attendu', 'attendu', 'json-en-form', 'form-en-json', 'charset-latin1'),
    csrf: fc.constantFrom(true, true, true, true, true, true, true, true, true, false),
    // fc.option's nil comes 1 time in `freq`: weights say it plainly instead.
    segment: fc.oneof({ weight: 14, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: chaine.filter((s) => s.length < 200) }),
    poison: fc.oneof(
      { weight: 7, arbitrary: fc.constant(null) },
      { weight: 3, arbitrary: fc.record({ ou: fc.constantFrom('nom' as const, 'valeur' as const, 'valeur' as const, 'element' as const, 'chemin' as const), texte: poison, index: fc.nat() }) },
    ),
  });

interface Requete {
  url: string;
  init: RequestInit & { headers: Headers };
  poison: boolean;
}

function preparer(c: Cas, routesListe: Route[]): Requete {
  const route = routesListe[c.route];
  // '·' stands for one of the route's own fields (the names its handler reads).
  const champs = c.champs.map(([k, v], i): [string, Valeur] => [k === '·' ? (route.champs[i % Math.max(route.champs.length, 1)] ?? 'x') : k, v]);
  let segment = c.segment;
  if (c.poison) {
    const { ou, texte, index } = c.poison;
    if (ou === 'chemin') segment = texte;
    else if (ou === 'nom' || !champs.length) champs.push([texte, 'x']);
    else if (ou === 'valeur') champs[index % champs.length][1] = texte;
    else champs.push([champs[index % champs.length][0], ['ok', texte]]);
  }
  let poison = champs.some(([k, v]) => !bienForme(k) || valeurEmpoisonnee(v));
  const enLatin1 = c.codage === 'latin1';
  const chaines = (v: Valeur): string[] => (Array.isArray(v) ? v.map(String) : v !== null && typeof v === 'object' ? [JSON.stringify(v)] : [String(v)]);
  // In Latin-1, what reaches the server is the bytes: a NUL stays, a lone surrogate becomes « ? », é is not UTF-8.
  if (enLatin1) poison = champs.some(([k, v]) => latin1Invalide(k) || chaines(v).some(latin1Invalide));
  const formulaire = (extra: [string, string][] = []) =>
    [...extra.map(([k, v]) => `${k}=${encodeURIComponent(v)}`), ...champs.flatMap(([k, v]) => chaines(v).map((x) => `${pourcent(k, c.codage)}=${pourcent(x, c.codage)}`))].join('&');

  let path = route.path;
  let segPoison = false;
  if (segment !== null) {
    // A path segment of ours appended: a NUL or invalid Unicode there is poison too.
    const seg = chaines(segment)[0];
    segPoison = !bienForme(seg);
    path = path.replace(/\/?$/, '/') + pourcent(seg, 'utf8');
  }
  const session = route.session === 'demandeur' ? demandeur : app.sessions[route.session];
  const headers = new Headers({ cookie: session.cookie() });
  const csrf: [string, string][] = c.csrf ? [['_csrf', session.csrf]] : [];
  const init: RequestInit & { headers: Headers } = { method: route.method, headers, redirect: 'manual' };
  headers.set('accept', route.forme === 'json' || route.forme === 'token' ? 'application/json' : 'text/html');

  if (route.method === 'GET') {
    const q = formulaire();
    return { url: app.url + path + (q ? `?${q}` : ''), init, poison: poison || segPoison };
  }
  if (route.forme === 'multipart') {
    const fd = new FormData();
    for (const [k, x] of csrf) fd.append(k, x);
    // FormData writes strings as UTF-8 (lone surrogates become U+FFFD): only NUL stays poison here.
    poison = champs.some(([k, v]) => k.includes('\u0000') || chaines(v).some((x) => x.includes('\u0000')));
    const bienFormee = (x: string) => (x as unknown as { toWellFormed(): string }).toWellFormed();
    for (const [k, v] of champs) for (const x of chaines(v)) fd.append(bienFormee(k), bienFormee(x));
    init.body = fd;
    return { url: app.url + path, init, poison: poison || segPoison };
  }
  if (route.forme === 'webhook') {
    // Twilio's own fields, then the generated ones; signed over what the server will parse, so a call that
    // passes the entrance reaches the handler.
    const sid = messageSid();
    const base: [string, string][] = [['MessageSid', sid], ['SmsSid', sid]];
    const params: Record<string, string> = Object.fromEntries(base);
    for (const [k, v] of champs) params[k] = chaines(v)[0];
    init.body = formulaire(base);
    headers.set('content-type', 'application/x-www-form-urlencoded');
    if (!poison && !enLatin1) headers.set('x-twilio-signature', app.signatureTwilio(params));
    return { url: app.url + path, init, poison: poison || segPoison };
  }
  const json = route.forme === 'json' ? c.envoi !== 'form-en-json' : c.envoi === 'json-en-form';
  if (json) {
    const objet: Record<string, Valeur> = Object.fromEntries([...csrf, ...champs]);
    // JSON.stringify escapes lone surrogates (\ud800): the server's parser gets them back as such. Sent as a
    // form instead, the JSON text is parsed as one: its escapes stay text, nothing certain.
    init.body = JSON.stringify(objet);
    headers.set('content-type', route.forme === 'json' ? 'application/json' : 'application/x-www-form-urlencoded');
    return { url: app.url + path, init, poison: (route.forme === 'json' && valeurEmpoisonnee(objet)) || segPoison };
  }
  init.body = Buffer.from(formulaire(csrf), 'latin1') as unknown as BodyInit;
  headers.set('content-type', c.envoi === 'charset-latin1' ? 'application/x-www-form-urlencoded; charset=iso-8859-1' : c.envoi === 'form-en-json' ? 'application/json' : 'application/x-www-form-urlencoded');
  if (c.envoi === 'form-en-json') poison = false; // not JSON at all: 400 from the parser, whatever it holds
  return { url: app.url + path, init, poison: poison || segPoison };
}

/** The demandeur's session (its own cookie and CSRF token). */
let demandeur: { csrf: string; cookie(): string };

beforeAll(async () => {
  app = await startAppComplete();
  // A demandeur of habilitation: an anonymous visitor whose session holds access to a request in progress.
  const d = await creerDemandeComplete(app.t.db, { status: 'NEW' });
  demandeId = d.demandeId;
  const http = new HttpClient(app.url);
  await http.get('/connexion');
  const jar = (http as unknown as { cookies: Map<string, string> }).cookies;
  const sid = decodeURIComponent(jar.get('ac_session')!).slice(2).split('.')[0];
  // express-session may answer before its save completes: wait for the row.
  let row: { sess: unknown } | undefined;
  for (let i = 0; i < 100 && !row; i++) {
    row = await app.t.db('sessions').where({ sid }).first('sess');
    if (!row) await new Promise((r) => setTimeout(r, 20));
  }
  if (!row) throw new Error('session du demandeur introuvable');
  const sess = (typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess) as { csrfToken: string };
  await app.t.db('sessions').where({ sid }).update({ sess: JSON.stringify({ ...sess, demandesHabilitation: [demandeId] }) });
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  demandeur = { csrf: sess.csrfToken, cookie: () => cookie };
  // The session opens the request's pages (its form carries the same token).
  expect(csrfFrom(await (await fetch(`${app.url}/habilitation/demande/${demandeId}/structure`, { headers: { cookie } })).text())).toBe(sess.csrfToken);
});

afterAll(async () => {
  await app?.stop();
});

test(`${RUNS} generated requests: no 5xx, invalid text refused at the entrance, nothing written by a refusal`, async () => {
  const liste = routes();
  console.log(`fuzz des entrées : graine ${SEED}, ${RUNS} requêtes sur ${liste.length} routes — rejouer : FUZZ_SEED=${SEED} npm test -- tests/integration/entrees-fuzz.test.ts`);
  const statuts = new Map<number, number>();
  let empoisonnees = 0;
  const temps = { preparer: 0, requete: 0, controle: 0, routes: {} as Record<string, [number, number]> };
  let dernier = await app.ecritures();
  const journalEcritures = () => app.t.owner()('fuzz_ecritures');
  await fc.assert(
    fc.asyncProperty(cas(liste.length), async (c) => {
      const t0 = performance.now();
      const req = preparer(c, liste);
      const t1 = performance.now();
      const res = await fetch(req.url, req.init);
      await res.arrayBuffer();
      const t2 = performance.now();
      temps.preparer += t1 - t0;
      temps.requete += t2 - t1;
      const parRoute = (temps.routes[`${liste[c.route].method} ${liste[c.route].path} ${res.status}`] ??= [0, 0]);
      parRoute[0]++;
      parRoute[1] += t2 - t1;
      statuts.set(res.status, (statuts.get(res.status) ?? 0) + 1);
      // The rows written since the previous request (requests run one at a time): one query per request.
      const ecrites: { id: string; tbl: string; op: string }[] = await journalEcritures().where('id', '>', dernier).select('id', 'tbl', 'op');
      dernier = ecrites.reduce((m, e) => Math.max(m, Number(e.id)), dernier);
      // The outbox relay marks deliveries in the background: not the request's doing.
      const tables = [...new Set(ecrites.filter((e) => !(e.tbl === 'outbox' && e.op === 'UPDATE')).map((e) => e.tbl))];
      temps.controle += performance.now() - t2;
      const route = liste[c.route];
      const quoi = `${route.method} ${route.path} (${route.session}, ${route.forme}) → ${res.status}`;
      expect([quoi, res.status < 500]).toEqual([quoi, true]);
      if (req.poison) {
        empoisonnees++;
        expect([quoi, [400, 413, 431].includes(res.status)]).toEqual([quoi, true]);
        // Refused before any route: no row at all. The session's row is left aside: express-session may save
        // the previous request's session after answering it (web/app.ts), and multipart bodies are read after
        // the session is loaded (api/uploads.ts); tests/integration/entrees-invalides.test.ts checks, one
        // request at a time, that the entrance writes not even that.
        expect([quoi, tables.filter((t) => t !== 'sessions')]).toEqual([quoi, []]);
      } else if (res.status >= 400) {
        expect([quoi, tables.filter((t) => !TABLES_SANS_DOMAINE.includes(t))]).toEqual([quoi, []]);
      }
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: false },
  );
  console.log(`fuzz des entrées : ${RUNS} requêtes, dont ${empoisonnees} porteuses d’un caractère nul ou d’Unicode invalide ; statuts ${JSON.stringify(Object.fromEntries([...statuts].sort()))}`);
  if (process.env.FUZZ_PROFIL) {
    const lentes = Object.entries(temps.routes).sort((a, b) => b[1][1] - a[1][1]).slice(0, 40).map(([r, [n, t]]) => `${r} : ${n} × ${(t / n).toFixed(1)} ms`);
    console.log(`fuzz : préparation ${temps.preparer.toFixed(0)} ms, requêtes ${temps.requete.toFixed(0)} ms, contrôles ${temps.controle.toFixed(0)} ms\n${lentes.join('\n')}`);
  }
  expect(empoisonnees).toBeGreaterThan(RUNS / 10);
}, 600_000);
