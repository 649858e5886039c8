// The journal's daily anchor (db/domain/chaine-journal.ts): the heads of the hash chain's lanes, their root and
// the row count, once the whole chain is verified, and the date, written as a file under DATA_DIR/ancres-journal/ and as a log line, for an
// administrator to archive outside the database; `npm run verifier-journal -- --ancre <file>` then detects a
// rewrite of the whole chain. Idempotent per day: the file is created once (atomically: written aside, then
// linked under its name, which fails if it exists), a retry or a second run that day returns the first anchor.
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ActivityDeps } from './deps.ts';
import { verifierChaine } from '../db/queries/journal.ts';
import { ancreDeLEtat, lireAncre, messageRupture, nomFichierAncre, type AncreJournal, type RuptureChaine } from '../db/domain/chaine-journal.ts';
import { logger } from '../db/platform/logger.ts';

/** DATA_DIR of the worker (the repository's .data when unset, as scripts/start.ts). */
export function dossierAncres(dataDir = process.env.DATA_DIR ?? new URL('../.data', import.meta.url).pathname): string {
  return join(dataDir, 'ancres-journal');
}

export type IssueAncre =
  | { ancre: AncreJournal; fichier: string; nouvelle: boolean; rupture?: undefined }
  /** The chain is broken: no anchor is written (it would vouch for a tampered chain); an error is logged. */
  | { ancre?: undefined; fichier: string; nouvelle: false; rupture: RuptureChaine };

export function createJournalActivities(deps: ActivityDeps) {
  const log = logger.child({ component: 'ancre-journal' });
  return {
    /**
     * `date`: the day (YYYY-MM-DD, UTC) of the workflow's clock. The whole chain is verified first (so a broken
     * chain is reported every day even if nobody opens /staff/journal), and the anchor is its verified head.
     */
    async ecrireAncreJournal(date: string): Promise<IssueAncre> {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`date d’ancre invalide : ${date}`);
      const dossier = dossierAncres(deps.dataDir);
      mkdirSync(dossier, { recursive: true, mode: 0o750 });
      const fichier = join(dossier, nomFichierAncre(date));
      if (existsSync(fichier)) return dejaEcrite(fichier);
      const verdict = await verifierChaine(deps.db);
      if (!verdict.ok) {
        log.error({ rupture: verdict.rupture, fichier }, `chaîne du journal rompue, pas d’ancre pour le ${date} : ${messageRupture(verdict.rupture!)}`);
        return { fichier, nouvelle: false, rupture: verdict.rupture! };
      }
      const ancre = ancreDeLEtat(date, verdict.etat!, (deps.now?.() ?? new Date()).toISOString());
      const provisoire = `${fichier}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(provisoire, `${JSON.stringify(ancre, null, 2)}\n`, { mode: 0o640 });
      try {
        linkSync(provisoire, fichier);
      } catch (err) {
        // Another attempt wrote it meanwhile: the first one stays.
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return dejaEcrite(fichier);
        throw err;
      } finally {
        unlinkSync(provisoire);
      }
      log.info({ ancre, fichier, nouvelle: true }, `ancre du journal du ${ancre.date} : ${ancre.lignes} lignes, racine ${ancre.hash}`);
      return { ancre, fichier, nouvelle: true };
    },
  };

  function dejaEcrite(fichier: string): IssueAncre {
    const ancre = lireAncre(readFileSync(fichier, 'utf8'));
    log.info({ ancre, fichier, nouvelle: false }, `ancre du journal du ${ancre.date} déjà écrite : ${ancre.lignes} lignes, racine ${ancre.hash}`);
    return { ancre, fichier, nouvelle: false };
  }
}
