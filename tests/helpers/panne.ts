// Outages for the drills (tests/integration/pannes.test.ts, panne-*.test.ts): a TCP relay in front of a real server (the SMTP
// catcher) that can be cut — the port then refuses connections and open ones are reset, as when the
// provider is down — and restored on the same port.
import { readdirSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface RelaisTcp {
  port: number;
  couper(): Promise<void>;
  retablir(): Promise<void>;
  stop(): Promise<void>;
}

export async function relaisTcp(cible: number): Promise<RelaisTcp> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const ouvrir = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const amont = createConnection({ host: '127.0.0.1', port: cible });
        for (const x of [client, amont]) {
          sockets.add(x);
          x.on('close', () => sockets.delete(x));
          x.on('error', () => {});
        }
        client.pipe(amont).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });
  const fermer = async () => {
    const s = server;
    server = null;
    for (const x of sockets) x.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await ouvrir();
  return { port, couper: fermer, retablir: ouvrir, stop: fermer };
}

/** Polls `fn` until it gives a value (errors count as not yet: a server may be down), else fails naming `quoi`. */
export async function jusqua<T>(fn: () => Promise<T | null | undefined | false>, quoi: string, ms = 60_000): Promise<T> {
  const fin = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > fin) throw new Error(`délai dépassé : ${quoi}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A dev server's own process (the one holding the SQLite file `fichier`), found by its command line. */
export function pidDuServeurTemporal(fichier: string): number {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(fichier)) return Number(d);
    } catch {
      // a process that ended meanwhile
    }
  }
  throw new Error('serveur Temporal introuvable');
}
