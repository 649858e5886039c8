// The worker's outbox relay: sends the emails and SMS that the web process (and anyone else) wrote to the
// outbox. It wakes on PostgreSQL's NOTIFY from the outbox's insert trigger, and sweeps every few seconds
// anyway (a notification lost during a reconnection, a retry whose backoff ended); it also drops the
// bodies of old sent messages. Several workers may run it: each row is claimed by one (activities/outbox.ts).
import pg from 'pg';
import type { Db } from '../db/connection.ts';
import { deliverDue, type DeliveryPorts } from '../activities/outbox.ts';
import { purgeOldBodies } from '../db/queries/outbox.ts';
import type { Logger } from '../db/platform/logger.ts';

export interface OutboxRelay {
  /** Resolves when no pass is running (tests wait for delivery with the fakes instead). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startOutboxRelay(opts: {
  db: Db;
  ports: DeliveryPorts;
  log?: Logger;
  /** PostgreSQL URL for LISTEN (defaults to the pool's own URL). */
  listenUrl?: string;
  sweepMs?: number;
  purgeMs?: number;
}): OutboxRelay {
  const { db, ports, log } = opts;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let again = false;
  let busy = false;

  const pass = () => {
    if (stopped) return running;
    if (busy) {
      again = true;
      return running;
    }
    busy = true;
    running = (async () => {
      try {
        do {
          again = false;
          await deliverDue(db, ports);
        } while (again && !stopped);
      } catch (err) {
        log?.error({ err }, 'boîte d’envoi : envoi impossible pour le moment');
      } finally {
        busy = false;
      }
    })();
    return running;
  };

  const sweep = setInterval(() => void pass(), opts.sweepMs ?? Number(process.env.OUTBOX_SWEEP_MS ?? 5000));
  const purge = setInterval(() => {
    purgeOldBodies(db)
      .then((n) => n && log?.info({ n }, 'boîte d’envoi : corps des anciens messages effacés'))
      .catch((err) => log?.warn({ err }, 'boîte d’envoi : purge impossible'));
  }, opts.purgeMs ?? 3600_000);
  sweep.unref();
  purge.unref();

  let listener: pg.Client | null = null;
  const connection = opts.listenUrl ?? (db.client.config as { connection?: unknown }).connection;
  const listen = async () => {
    if (stopped || typeof connection !== 'string') return;
    const client = new pg.Client({ connectionString: connection });
    client.on('notification', () => void pass());
    client.on('error', (err) => {
      log?.warn({ err: err.message }, 'boîte d’envoi : écoute interrompue, reprise dans 5 s');
      listener = null;
      client.end().catch(() => {});
      if (!stopped) setTimeout(() => void listen(), 5000).unref();
    });
    try {
      await client.connect();
      await client.query('listen outbox');
      listener = client;
      if (stopped) await client.end();
    } catch (err) {
      log?.warn({ err: (err as Error).message }, 'boîte d’envoi : écoute impossible, balayage seul');
      await client.end().catch(() => {});
    }
  };
  const listening = listen().then(() => void pass());

  return {
    idle: () => running,
    async stop() {
      stopped = true;
      clearInterval(sweep);
      clearInterval(purge);
      await listening;
      await running;
      await listener?.end().catch(() => {});
    },
  };
}
