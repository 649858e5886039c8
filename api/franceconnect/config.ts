// Which FranceConnect the app talks to: the local sandbox by default (scripts/fakes/franceconnect-fake.ts,
// started by `npm start` on FC_FAKE_PORT), a real FranceConnect through FC_ISSUER, FC_CLIENT_ID and
// FC_CLIENT_SECRET (required in production).

export interface FranceConnectConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /**
   * The espace usager's own URIs (issue 21), registered with FranceConnect beside the mandat creation's: the
   * same client (FranceConnect's `sub` is per client, and the usager is found by it), another callback.
   */
  espaceUsager?: { redirectUri: string; postLogoutRedirectUri: string };
}

export const FC_FAKE_PORT_DEFAUT = 1100;
/** The app's record in the local sandbox (never valid on a real FranceConnect). */
export const FC_CLIENT_ID_DEV = 'aidants-connect-local';
export const FC_CLIENT_SECRET_DEV = 'secret-de-developpement-du-bac-a-sable-franceconnect';

/**
 * Our URIs registered with FranceConnect: the callback and the page the usager comes back to after logout, at
 * mandat creation and in the espace usager.
 */
export function franceConnectUris(publicUrl: string): Pick<FranceConnectConfig, 'redirectUri' | 'postLogoutRedirectUri' | 'espaceUsager'> {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    redirectUri: `${base}/mandats/nouveau/franceconnect`,
    postLogoutRedirectUri: `${base}/mandats/nouveau/recapitulatif`,
    espaceUsager: { redirectUri: `${base}/espace-usager/franceconnect`, postLogoutRedirectUri: `${base}/espace-usager/deconnecte` },
  };
}

/** Every callback and post-logout URI to register with FranceConnect (or its sandbox) for this configuration. */
export function urisAEnregistrer(c: Pick<FranceConnectConfig, 'redirectUri' | 'postLogoutRedirectUri' | 'espaceUsager'>): { redirectUris: string[]; postLogoutRedirectUris: string[] } {
  return {
    redirectUris: [c.redirectUri, ...(c.espaceUsager ? [c.espaceUsager.redirectUri] : [])],
    postLogoutRedirectUris: [c.postLogoutRedirectUri, ...(c.espaceUsager ? [c.espaceUsager.postLogoutRedirectUri] : [])],
  };
}

export function franceConnectConfigFromEnv(publicUrl: string, env: NodeJS.ProcessEnv = process.env): FranceConnectConfig {
  if (env.NODE_ENV === 'production') {
    const missing = ['FC_ISSUER', 'FC_CLIENT_ID', 'FC_CLIENT_SECRET'].filter((k) => !env[k]);
    if (missing.length) throw new Error(`FranceConnect : ${missing.join(', ')} doi${missing.length > 1 ? 'vent' : 't'} être défini${missing.length > 1 ? 's' : ''} en production.`);
  }
  return {
    issuer: env.FC_ISSUER || `http://127.0.0.1:${env.FC_FAKE_PORT || FC_FAKE_PORT_DEFAUT}`, // exactly as FranceConnect's metadata says
    clientId: env.FC_CLIENT_ID || FC_CLIENT_ID_DEV,
    clientSecret: env.FC_CLIENT_SECRET || FC_CLIENT_SECRET_DEV,
    ...franceConnectUris(publicUrl),
  };
}

/** http is accepted only for an issuer on this machine (the sandbox). */
export function estIssuerLocal(issuer: string): boolean {
  try {
    const u = new URL(issuer);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}
