// Identifying a usager through FranceConnect (api/franceconnect/README.md#client-franceconnect): configuration, client and errors.
export { franceConnectConfigFromEnv, franceConnectUris, urisAEnregistrer, estIssuerLocal, type FranceConnectConfig } from './config.ts';
export { createFranceConnectClient, stateCorrespond, SCOPES_FRANCECONNECT, ACR_FRANCECONNECT, type FranceConnectClient, type ResultatFranceConnect } from './client.ts';
export { FranceConnectError, MESSAGES_FRANCECONNECT, type CodeErreurFranceConnect } from './errors.ts';
export type { IdentitePivot } from '../../db/domain/usager.ts';
