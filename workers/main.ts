// The worker process: polls the task queue, runs every workflow and activity, stops gracefully on SIGTERM
// or SIGINT (in-flight activities get a grace period, then the connection and the pool close).
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { createDb } from '../db/connection.ts';
import { createSmtpMailer, smtpConfigFromEnv } from '../activities/ports/mailer.ts';
import { temporalSettingsFromEnv } from '../db/temporal/connection.ts';
import { createTwilioSms } from '../activities/ports/sms.ts';
import { twilioConfigFromEnv } from '../db/platform/twilio.ts';
import { connectWorker, createWorker } from './worker.ts';
import { logger } from '../db/platform/logger.ts';
import { lazyTemporalClient } from '../db/temporal/client.ts';
import { demarrerVeillesManquantes } from '../db/temporal/processes/inactivite.ts';
import { checkStartup } from '../db/platform/startup-checks.ts';
import { startOutboxRelay } from './outbox-relay.ts';
import { demarrerViesMandatManquantes, reconcilierViesMandatsPeriodiquement } from '../db/temporal/processes/mandat.ts';
import { demarrerAncreJournal } from '../db/temporal/processes/journal.ts';
import { assurerPlanificationSurveillance } from '../db/temporal/processes/alertes.ts';
import { avertirSansAllocateurCompact } from './allocateur.ts';

const log = logger.child({ process: 'worker' });
Runtime.install({ logger: new DefaultLogger('WARN') });
avertirSansAllocateurCompact((message) => log.warn(message));

const settings = temporalSettingsFromEnv();
const db = createDb();
await checkStartup(db, log);
const mailer = createSmtpMailer(smtpConfigFromEnv());
let connection;
try {
  connection = await connectWorker(settings);
} catch (err) {
  log.error(`Temporal est injoignable à ${settings.address} : démarrez le serveur (npm start) ou corrigez TEMPORAL_ADDRESS. (${(err as Error).message})`);
  await db.destroy();
  process.exit(1);
}
const sms = createTwilioSms(twilioConfigFromEnv());
const publicUrl = process.env.PUBLIC_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const worker = await createWorker({ connection, namespace: settings.namespace, deps: { db, mailer, sms, publicUrl, dataDir: process.env.DATA_DIR } });
log.info({ address: settings.address, namespace: settings.namespace, taskQueue: worker.options.taskQueue }, 'worker démarré');
const running = worker.run();
// Emails and SMS written by the web process (and anyone else) leave from here.
const relay = startOutboxRelay({ db, ports: { mailer, sms }, log: log.child({ component: 'outbox' }) });
// Every active account has its inactivity watch, and every mandat its workflow, even when a start was missed
// (Temporal down during an activation, a reactivation or a mandat creation). Idempotent: running ones are kept.
if (process.env.RECONCILE_WATCHES !== 'false') {
  const client = lazyTemporalClient(settings);
  const temporal = await client();
  void Promise.allSettled([
    demarrerVeillesManquantes(db, temporal)
      .then((bilan) => log.info(bilan, 'veilles d’inactivité vérifiées'))
      .catch((err) => log.error({ err }, 'vérification des veilles d’inactivité impossible')),
    demarrerViesMandatManquantes(db, temporal)
      .then((bilan) => log.info(bilan, 'workflows des mandats vérifiés'))
      .catch((err) => log.error({ err }, 'vérification des workflows des mandats impossible')),
    // The journal's daily anchor (workflows/ancre-journal.ts): one for the cluster, a running one is kept.
    demarrerAncreJournal(temporal)
      .catch((err) => log.error({ err }, 'démarrage de l’ancre quotidienne du journal impossible')),
  ]).finally(() => void client.close());
}
// And again every few minutes (README « Pannes et reprises »): the mandats created while Temporal was down get
// their workflow, and the SMS answers the webhook kept meanwhile reach theirs, without a restart of the worker.
const clientReconciliation = lazyTemporalClient(settings);
const reconciliation = reconcilierViesMandatsPeriodiquement(db, clientReconciliation, {
  intervalMs: Number(process.env.RECONCILE_INTERVAL_MS ?? 5 * 60_000),
  apresPasse: (bilan) => {
    if ('erreur' in bilan) log.warn({ err: bilan.erreur }, 'réconciliation impossible pour le moment');
    else if (bilan.mandats.demarrees || bilan.reponsesSms.retransmises || bilan.reponsesSms.supprimees) log.info(bilan, 'réconciliation : workflows de mandats démarrés, réponses SMS transmises');
  },
});
// The suspicious-activity survey runs on a Temporal schedule (README « Alertes »); created once, kept up to date.
{
  const client = lazyTemporalClient(settings);
  void client()
    .then((temporal) => assurerPlanificationSurveillance(temporal))
    .then((etat) => log.info({ etat }, 'planification de la surveillance de l’activité vérifiée'))
    .catch((err) => log.error({ err }, 'planification de la surveillance de l’activité impossible'))
    .finally(() => void client.close());
}
await running;
await reconciliation.stop();
await clientReconciliation.close();
await relay.stop();
log.info('worker arrêté');
await connection.close();
await db.destroy();
mailer.transport.close();
