// The identity provider FranceConnect calls, built with oidc-provider and mounted in Express on its own
// paths only (its form bodies arrive parsed by the app's entrance, api/entrees.ts, which the provider reads as
// `req.body` — it warns once about it). Around the
// provider: one `use_autorisation` journal row when userinfo answers, logout answered by a redirect
// (FranceConnect expects no click), and no provider browser session kept after an authorization, so the
// next authorization always asks the aidant to choose a usager again.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../../db/connection.ts';
import type { Logger } from '../../db/platform/logger.ts';
import { baseIndisponible } from '../../db/platform/indisponibilite.ts';
import { revoquerGrant } from '../../db/queries/fournisseur-identite.ts';
import { choixDeLaRequete, findAccountFor, journaliserUtilisation } from './account.ts';
import { avecRequeteOidc } from './adapter.ts';
import { providerConfiguration, type OidcSettings, type PagesFournisseurIdentite } from './configuration.ts';

export interface OidcInstance {
  provider: Provider;
  settings: OidcSettings;
  /** Express middleware: the provider's paths go to it, everything else to the next handler. */
  middleware: RequestHandler;
  /** Origins a form of the interaction may end up at (FranceConnect's callbacks): for the CSP's form-action. */
  redirectOrigins: string[];
}

export function createOidcProvider(deps: { db: Db; settings: OidcSettings; logger: Logger; pages: PagesFournisseurIdentite }): OidcInstance {
  const { db, settings } = deps;
  const log = deps.logger.child({ module: 'oidc' });
  const provider = new Provider(settings.issuer, providerConfiguration(settings, { db, findAccount: findAccountFor(db, log), pages: deps.pages }));
  // Behind the TLS-terminating load balancer: X-Forwarded-Proto makes cookies Secure. Koa believes these
  // headers from anyone, so the middleware below rewrites them to what Express decided under TRUST_PROXY.
  provider.proxy = true;

  const sessionCookie = provider.cookieName('session');
  /** Ends the provider's browser session; a logout also revokes what its grants produced. */
  const clearSession = async (ctx: KoaContextWithOIDC, revokeGrants: boolean) => {
    const session = ctx.oidc.session;
    if (!session || (session as unknown as { destroyed?: boolean }).destroyed) return;
    if (revokeGrants) {
      for (const { grantId } of Object.values(session.authorizations ?? {})) {
        if (grantId) await revoquerGrant(db, grantId);
      }
    }
    await session.destroy();
    ctx.cookies.set(sessionCookie, null, { httpOnly: true, sameSite: 'lax' });
  };

  provider.use(async (ctx, next) => {
    await next();
    // PostgreSQL unreachable (flagged by the server_error listener below): 503 and « réessayez », not the
    // provider's 500 — like the rest of the app (db/platform/indisponibilite.ts).
    if ((ctx.state as { indisponible?: boolean }).indisponible) {
      const out = { error: 'temporarily_unavailable', error_description: 'service momentanément indisponible, réessayez dans quelques minutes' };
      ctx.status = 503;
      ctx.set('Retry-After', '30');
      if (ctx.type === 'text/html') ctx.body = deps.pages.erreur(out);
      else ctx.body = out;
      return;
    }
    const oidc = (ctx as KoaContextWithOIDC).oidc as KoaContextWithOIDC['oidc'] | undefined;
    if (!oidc) return;
    const octx = ctx as KoaContextWithOIDC;

    // The authorization is answered (code or error): forget the usager in this browser (the code and the
    // tokens it gives stay valid: they do not expire with the session).
    if (oidc.route === 'resume' && oidc.session?.accountId) {
      await clearSession(octx, false);
      return;
    }

    // The provider validated id_token_hint, client and post_logout_redirect_uri and would now show a
    // confirmation page: log out at once and go back to FranceConnect with its state.
    if (oidc.route === 'end_session' && ctx.status === 200) {
      const { postLogoutRedirectUri, state } = (oidc.session?.state ?? {}) as { postLogoutRedirectUri?: string; state?: string };
      await clearSession(octx, true);
      let target = oidc.urlFor('end_session_success');
      if (postLogoutRedirectUri) {
        const url = new URL(postLogoutRedirectUri);
        if (state !== undefined) url.searchParams.set('state', state);
        target = url.href;
      }
      ctx.status = 303;
      ctx.redirect(target);
      return;
    }

    // Discovery lists every response mode oidc-provider knows; FranceConnect's client uses the query only.
    if (oidc.route === 'discovery' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      (ctx.body as Record<string, unknown>).response_modes_supported = ['query'];
      return;
    }

    // Userinfo served: journal the use of the autorisation before the answer leaves.
    if (oidc.route === 'userinfo' && ctx.status === 200) {
      const found = choixDeLaRequete(octx);
      const token = oidc.accessToken;
      try {
        if (!found || !token) throw new Error('userinfo without a loaded choice');
        await journaliserUtilisation(db, found, token.jti);
      } catch (err) {
        log.error({ err }, 'journal use_autorisation impossible : userinfo refusé');
        if (baseIndisponible(err)) {
          ctx.status = 503;
          ctx.set('Retry-After', '30');
          ctx.type = 'json';
          ctx.body = { error: 'temporarily_unavailable', error_description: 'service momentanément indisponible, réessayez dans quelques minutes' };
          return;
        }
        ctx.status = 500;
        ctx.type = 'json';
        ctx.body = { error: 'server_error', error_description: 'oops! something went wrong' };
      }
    }
  });

  // The answer of an authorization is decided: a provider session born with it is never stored (it would
  // only be deleted right after), so the next authorization starts without a usager.
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => {
    const session = ctx.oidc.session as (KoaContextWithOIDC['oidc']['session'] & { new?: boolean; destroyed?: boolean }) | undefined;
    if (ctx.oidc.route === 'resume' && session?.new) session.destroyed = true;
  });

  provider.on('server_error', (ctx, err) => {
    if (baseIndisponible(err)) {
      (ctx.state as { indisponible?: boolean }).indisponible = true;
      log.warn({ err: (err as Error).message }, 'fournisseur d’identité : PostgreSQL injoignable (503)');
      return;
    }
    log.error({ err }, 'fournisseur d’identité : erreur interne');
  });
  const refused = (event: string) => (_ctx: unknown, err: Error & { error?: string; error_description?: string; error_detail?: string }) =>
    log.warn({ event, error: err.error ?? err.message, description: err.error_description, detail: err.error_detail }, 'fournisseur d’identité : requête refusée');
  provider.on('authorization.error', refused('authorization.error'));
  provider.on('grant.error', refused('grant.error'));
  provider.on('userinfo.error', refused('userinfo.error'));
  provider.on('end_session.error', refused('end_session.error'));

  const callback = provider.callback();
  // The provider's own routes, legacy trailing slashes included (FranceConnect's record of us does not change).
  const staticPaths = new Set(['/authorize/', '/token/', '/userinfo/', '/logout/', '/logout/confirm', '/logout/success', '/jwks/', '/.well-known/openid-configuration']);
  const resume = /^\/authorize\/[A-Za-z0-9_-]+$/;
  const middleware: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (!staticPaths.has(req.path) && !resume.test(req.path)) return next();
    // Issue 18, item 4: the scheme, host and address the provider sees are Express's, which believes
    // X-Forwarded-* only from the proxies of TRUST_PROXY (web/app.ts): a client cannot choose the URLs of
    // the discovery document or of the logout redirect.
    req.headers['x-forwarded-proto'] = req.protocol;
    req.headers['x-forwarded-host'] = req.host ?? '';
    req.headers['x-forwarded-for'] = req.ip ?? '';
    // Issue 18, item 9: only what FranceConnect uses. oidc-provider accepts client_secret_basic for a
    // client_secret_post client and answers any response_mode it knows (an error would leave as a form).
    if (req.path === '/token/' && req.headers.authorization !== undefined) {
      res.status(401).json({ error: 'invalid_client', error_description: 'client authentication must use client_secret_post' });
      return;
    }
    if (req.path === '/authorize/' && new URL(req.originalUrl, 'http://x').searchParams.getAll('response_mode').some((m) => m !== 'query')) {
      res.status(400).type('html').send(deps.pages.erreur({ error: 'invalid_request', error_description: 'response_mode: query only' }));
      return;
    }
    // One read of a grant and its choice per request (api/oidc/adapter.ts).
    avecRequeteOidc(() => callback(req, res));
  };

  const redirectOrigins = [...new Set(settings.client.redirectUris.map((u) => new URL(u).origin))];
  return { provider, settings, middleware, redirectOrigins };
}
