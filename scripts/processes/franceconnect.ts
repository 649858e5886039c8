// Process entry of the local FranceConnect sandbox started by `npm start` (FC_FAKE_PORT, default 1100), with
// the app registered as a service exactly as the app configures itself (FC_CLIENT_ID, FC_CLIENT_SECRET and
// the URIs derived from PUBLIC_URL).
import { startFranceConnectFake } from '../fakes/franceconnect-fake.ts';
import { FC_FAKE_PORT_DEFAUT, franceConnectConfigFromEnv, urisAEnregistrer } from '../../api/franceconnect/config.ts';

const port = Number(process.env.FC_FAKE_PORT ?? FC_FAKE_PORT_DEFAUT);
const publicUrl = process.env.PUBLIC_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const app = franceConnectConfigFromEnv(publicUrl, { ...process.env, FC_FAKE_PORT: String(port) });

const fake = await startFranceConnectFake({
  port,
  clients: [{ clientId: app.clientId, clientSecret: app.clientSecret, ...urisAEnregistrer(app) }],
}).catch((err: Error) => {
  console.error(`Le bac à sable FranceConnect n'a pas pu démarrer sur le port ${port} (${err.message}) : choisissez un autre port avec FC_FAKE_PORT=….`);
  process.exit(1);
});
console.log(`FranceConnect : bac à sable local sur ${fake.issuer} (service « ${app.clientId} », retour vers ${urisAEnregistrer(app).redirectUris.join(' et ')})`);
const stop = () => void fake.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
