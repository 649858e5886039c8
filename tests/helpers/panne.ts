// Outages for the drills (tests/integration/pannes.test.ts): a TCP relay in front of a real server (the SMTP
// catcher) that can be cut — the port then refuses connections and open ones are reset, as when the
// provider is down — and restored on the same port.
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
