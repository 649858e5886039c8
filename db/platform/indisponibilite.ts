// Is an error PostgreSQL being unreachable (stopped, restarting, the network cut) rather than a bug? Such a
// request is answered 503 « Service indisponible » with Retry-After (web/app.ts), not 500: nothing was
// half-written (every write is one transaction), and the same request will work once the database is back —
// the pool drops the broken connections and opens new ones by itself (issue 19's drill,
// tests/integration/panne-postgresql.test.ts).
const CODES_RESEAU = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function baseIndisponible(err: unknown, profondeur = 0): boolean {
  if (!err || typeof err !== 'object' || profondeur > 5) return false;
  const e = err as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  // SQLSTATE class 08 (connection exception), 57P01–57P03 (shutdown, crash, starting up).
  if (/^08/.test(code) || ['57P01', '57P02', '57P03'].includes(code) || CODES_RESEAU.has(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (/Knex: Timeout acquiring a connection|Connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down)|Client has encountered a connection error/i.test(message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => baseIndisponible(x, profondeur + 1))) return true;
  return baseIndisponible(e.cause, profondeur + 1);
}
