// A local relying party that plays FranceConnect towards Aidants Connect in development: a page with a
// « Se connecter avec Aidants Connect » button that runs the authorization code flow exactly as FranceConnect
// v2 does (openid-client 5.7.0, static endpoints, client_secret_post, HS256, prompt=login, 64-hex state
// and nonce, acr eidas1, optional rep_scope) and shows the identity FranceConnect would receive, then the
// logout round trip. In memory, for one developer; never for production.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Issuer, type BaseClient } from 'openid-client-5';
import { escapeHtml } from '../../web/ui/html.ts';
import { DEMARCHES, TOUTES_LES_DEMARCHES } from '../../db/domain/demarches.ts';

export interface FournisseurServiceFake {
  url: string;
  stop(): Promise<void>;
}

export interface FournisseurServiceFakeOptions {
  port: number;
  /** Aidants Connect's issuer (its public URL): the endpoints are built from it, as in FranceConnect's record. */
  aidantsConnectIssuer: string;
  clientId: string;
  clientSecret: string;
  host?: string;
}

const CALLBACK = '/api/v2/oidc-callback';
const LOGOUT_CALLBACK = '/api/v2/client/logout-callback';
const SCOPE = 'openid profile email birth';
const PENDING_MS = 30 * 60 * 1000;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — fournisseur de service de démonstration</title>
<style>body{font-family:system-ui,sans-serif;margin:0 auto;padding:1.5rem;max-width:48rem;line-height:1.5;color:#161616}
button,.bouton{background:#000091;color:#fff;border:0;padding:.6rem 1rem;font-size:1rem;cursor:pointer;text-decoration:none;display:inline-block}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #929292;padding:.4rem;text-align:left;vertical-align:top;word-break:break-all}
pre{background:#f6f6f6;padding:1rem;overflow:auto}.erreur{border-left:4px solid #ce0500;padding-left:1rem}label{display:block;margin:.5rem 0}</style>
</head><body><header><p><strong>Fournisseur de service de démonstration</strong> — joue le rôle de FranceConnect face à Aidants Connect (développement)</p></header>
<main>${body}</main></body></html>`;
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
}

export async function startFournisseurServiceFake(opts: FournisseurServiceFakeOptions): Promise<FournisseurServiceFake> {
  const host = opts.host ?? '127.0.0.1';
  let url = `http://${host}:${opts.port}`;
  const issuerUrl = opts.aidantsConnectIssuer.replace(/\/$/, '');
  const pending = new Map<string, { nonce: string; at: number }>();
  const loggingOut = new Set<string>();
  let client: BaseClient | null = null;

  const rp = () => {
    client ??= new new Issuer({
      issuer: opts.aidantsConnectIssuer,
      authorization_endpoint: `${issuerUrl}/authorize/`,
      token_endpoint: `${issuerUrl}/token/`,
      userinfo_endpoint: `${issuerUrl}/userinfo/`,
      end_session_endpoint: `${issuerUrl}/logout/`,
    }).Client({
      client_id: opts.clientId,
      client_secret: opts.clientSecret,
      redirect_uris: [`${url}${CALLBACK}`],
      post_logout_redirect_uris: [`${url}${LOGOUT_CALLBACK}`],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'HS256',
    });
    return client;
  };

  const accueil = (notice = '') => layout('Accueil', `${notice}<h1>Se connecter au service en ligne</h1>
<p>Cette page imite un service en ligne qui passe par FranceConnect. Le bouton ouvre Aidants Connect comme FranceConnect le ferait :
l’aidant se connecte, choisit la personne accompagnée et la démarche, puis cette page affiche l’identité que FranceConnect recevrait.</p>
<form method="get" action="/connexion">
  <label for="demarche">Démarche demandée par le service (rep_scope)</label>
  <select id="demarche" name="demarche"><option value="">Aucune (toutes les démarches du mandat)</option>
  ${TOUTES_LES_DEMARCHES.map((d) => `<option value="${d}">${escapeHtml(DEMARCHES[d].titre)}</option>`).join('')}</select>
  <p><button type="submit">Se connecter avec Aidants Connect</button></p>
</form>`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    const now = Date.now();
    for (const [state, p] of pending) if (now - p.at > PENDING_MS) pending.delete(state);

    if (req.method !== 'GET') return send(res, 405, layout('Méthode refusée', '<h1>Méthode refusée</h1>'));

    if (u.pathname === '/') return send(res, 200, accueil());

    if (u.pathname === '/connexion') {
      const state = randomBytes(32).toString('hex');
      const nonce = randomBytes(32).toString('hex');
      pending.set(state, { nonce, at: now });
      const demarche = u.searchParams.get('demarche');
      const target = rp().authorizationUrl({
        redirect_uri: `${url}${CALLBACK}`,
        scope: SCOPE,
        acr_values: 'eidas1',
        prompt: 'login',
        state,
        nonce,
        ...(demarche && (TOUTES_LES_DEMARCHES as string[]).includes(demarche)
          ? { claims: JSON.stringify({ id_token: { rep_scope: { essential: true, values: [demarche] } } }) }
          : {}),
      });
      res.writeHead(303, { location: target }).end();
      return;
    }

    if (u.pathname === CALLBACK) {
      const params = rp().callbackParams(req);
      const state = typeof params.state === 'string' ? params.state : '';
      const attente = pending.get(state);
      pending.delete(state);
      if (!attente) return send(res, 400, layout('Retour inattendu', '<h1>Retour inattendu</h1><p>Aucune connexion en cours ne correspond à ce retour (state inconnu).</p><p><a href="/">Recommencer</a></p>'));
      if (params.error) {
        return send(res, 200, layout('Connexion refusée', `<h1>Connexion refusée par Aidants Connect</h1>
<div class="erreur"><p>error : <code>${escapeHtml(String(params.error))}</code></p><p>error_description : <code>${escapeHtml(String(params.error_description ?? ''))}</code></p></div>
<p>FranceConnect transmettrait cette erreur au service en ligne.</p><p><a class="bouton" href="/">Recommencer</a></p>`));
      }
      try {
        const tokens = await rp().callback(`${url}${CALLBACK}`, params, { state, nonce: attente.nonce, response_type: 'code' });
        const identite = await rp().userinfo(tokens);
        const claims = tokens.claims();
        const logout = `/deconnexion?${new URLSearchParams({ id_token_hint: tokens.id_token ?? '' })}`;
        return send(res, 200, layout('Identité reçue', `<h1>Identité reçue d’Aidants Connect</h1>
<p>Voici ce que FranceConnect recevrait pour la personne accompagnée.</p>
<table><caption>Identité pivot (userinfo)</caption><thead><tr><th scope="col">Donnée</th><th scope="col">Valeur</th></tr></thead><tbody>
${Object.entries(identite).map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(JSON.stringify(v))}</td></tr>`).join('')}
</tbody></table>
<h2>Jeton d’identité (ID token)</h2><pre>${escapeHtml(JSON.stringify(claims, null, 2))}</pre>
<p><a class="bouton" href="${escapeHtml(logout)}">Se déconnecter</a> <a href="/">Nouvelle connexion</a></p>`));
      } catch (err) {
        return send(res, 502, layout('Échec', `<h1>Échec de l’échange avec Aidants Connect</h1><div class="erreur"><p>${escapeHtml((err as Error).message)}</p></div><p><a href="/">Recommencer</a></p>`));
      }
    }

    if (u.pathname === '/deconnexion') {
      const state = randomBytes(32).toString('hex');
      loggingOut.add(state);
      const target = rp().endSessionUrl({ id_token_hint: u.searchParams.get('id_token_hint') ?? undefined, post_logout_redirect_uri: `${url}${LOGOUT_CALLBACK}`, state });
      res.writeHead(303, { location: target }).end();
      return;
    }

    if (u.pathname === LOGOUT_CALLBACK) {
      const state = u.searchParams.get('state') ?? '';
      const ok = loggingOut.delete(state);
      return send(res, ok ? 200 : 400, accueil(ok
        ? '<p role="status"><strong>Vous êtes déconnecté : Aidants Connect a renvoyé vers FranceConnect avec le bon state.</strong></p>'
        : '<p class="erreur" role="alert">Retour de déconnexion inattendu (state inconnu).</p>'));
    }

    send(res, 404, layout('Page introuvable', '<h1>Page introuvable</h1><p><a href="/">Accueil</a></p>'));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, layout('Erreur', `<h1>Erreur</h1><p>${escapeHtml((err as Error).message)}</p>`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
