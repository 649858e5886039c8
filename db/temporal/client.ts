// One long-lived Temporal client per process, connected on first use and reused by every request.
import { Client, Connection } from '@temporalio/client';
import type { TemporalSettings } from './connection.ts';

export type TemporalClientProvider = () => Promise<Client>;

export function lazyTemporalClient(settings: TemporalSettings): TemporalClientProvider & { close(): Promise<void> } {
  let pending: Promise<Client> | null = null;
  const get = () => {
    pending ??= Connection.connect({
      address: settings.address,
      tls: settings.tls,
      apiKey: settings.apiKey,
      connectTimeout: '3 seconds',
    })
      .then((connection) => new Client({ connection, namespace: settings.namespace }))
      .catch((err) => {
        pending = null; // try again on the next request rather than caching a failure
        throw err;
      });
    return pending;
  };
  return Object.assign(get, {
    async close() {
      if (!pending) return;
      const client = await pending.catch(() => null);
      await client?.connection.close();
    },
  });
}
