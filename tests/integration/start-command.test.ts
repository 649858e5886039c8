// `npm start` explains in one sentence what is wrong and exits non-zero, without a stack trace.
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

function runStart(env: Record<string, string>) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts/start.ts')], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('start command faults', () => {
  test('a web port already taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = runStart({ PORT: String(port) });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(`le port ${port} (site web) est déjà utilisé`);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  test('PostgreSQL unreachable at DATABASE_URL', () => {
    const r = runStart({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing', PORT: '0', TEMPORAL_ADDRESS: '127.0.0.1:1', SMTP_HOST: '127.0.0.1' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/PostgreSQL est injoignable .* vérifiez DATABASE_URL\./);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  test('PostgreSQL binaries missing', () => {
    const r = runStart({ PG_BIN: mkdtempSync(join(tmpdir(), 'no-pg-')), PORT: '0', TEMPORAL_ADDRESS: '127.0.0.1:1', SMTP_HOST: '127.0.0.1', DATABASE_URL: '', DATA_DIR: mkdtempSync(join(tmpdir(), 'no-data-')) });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('PostgreSQL n');
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  test('the log names the data folder that DATA_DIR chose', () => {
    const data = mkdtempSync(join(tmpdir(), 'donnees-'));
    const r = runStart({ DATA_DIR: data, DATABASE_URL: '', PORT: '0', TEMPORAL_ADDRESS: '127.0.0.1:1', SMTP_HOST: '127.0.0.1' });
    expect(r.stdout).toContain(`(données dans ${join(data, 'pg')})`);
    expect(r.stdout).not.toContain('.data/pg');
    expect(r.status).toBe(1); // Temporal is unreachable: the start stops after PostgreSQL
  });
});
