// Structured logs (JSON lines, one object per event) for the web and worker processes.
import pino from 'pino';

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: 'aidants-connect' },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.code', '*.token'], censor: '[masqué]' },
});

export type Logger = typeof logger;

/**
 * Paths whose last segment is a secret (login link, first connection, habilitation access, a mandat's
 * verification code — whoever holds it reads the mandat, issue 18 item 8): masked in logs.
 */
const TOKEN_PATHS = /^(\/(?:connexion\/lien|premiere-connexion\/lien|habilitation\/confirmer|verifier)\/)[^/?#]+/;

export function redactPath(path: string): string {
  return path.replace(TOKEN_PATHS, '$1[masqué]');
}
