// Process entry of the local relying party that plays FranceConnect in development (FOURNISSEUR_SERVICE_FAKE_PORT):
// « Se connecter avec Aidants Connect » on http://127.0.0.1:1095, with the web process's development client.
import { startFournisseurServiceFake } from '../fakes/fournisseur-service-fake.ts';
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, DEV_FOURNISSEUR_SERVICE_PORT } from '../../api/oidc/configuration.ts';

const env = process.env;
const fake = await startFournisseurServiceFake({
  port: Number(env.FOURNISSEUR_SERVICE_FAKE_PORT ?? DEV_FOURNISSEUR_SERVICE_PORT),
  aidantsConnectIssuer: env.OIDC_ISSUER || env.PUBLIC_URL || `http://127.0.0.1:${env.PORT ?? 3000}`,
  clientId: env.FC_AS_FI_CLIENT_ID || DEV_CLIENT_ID,
  clientSecret: env.FC_AS_FI_CLIENT_SECRET || DEV_CLIENT_SECRET,
});
console.log(`FranceConnect (démonstration) : ${fake.url} — « Se connecter avec Aidants Connect »`);
const stop = () => void fake.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
