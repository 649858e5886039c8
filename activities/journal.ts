// The journal's daily anchor (db/domain/chaine-journal.ts): the head of the hash chain (rank = row count,
// hash) and the date, written as a file under DATA_DIR/ancres-journal/ and as a log line, for an
// administrator to archive outside the database; `npm run verifier-journal -- --ancre <file>` then detects a
// rewrite of the whole chain. Idempotent per day: the file is created once (atomically: written aside, then
// linked under its name, which fails if it exists), a retry or a second run that day returns the first anchor.
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ActivityDeps } from './deps.ts';
import { teteChaine } from '../db/queries/journal.ts';
import { HASH_INITIAL, lireAncre, nomFichierAncre, type AncreJournal } from '../db/domain/chaine-journal.ts';
import { logger } from '../db/platform/logger.ts';

/** DATA_DIR of the worker (the repository's .data when unset, as scripts/start.ts). */
export function dossierAncres(dataDir = process.env.DATA_DIR ?? new URL('../.data', import.meta.url).pathname): string {
  return join(dataDir, 'ancres-journal');
}

export function createJournalActivities(deps: ActivityDeps) {
  const log = logger.child({ component: 'ancre-journal' });
  return {
    /** `date`: the day (YYYY-MM-DD, UTC) of the workflow's clock. Returns the anchor and where it lies. */
    async ecrireAncreJournal(date: string): Promise<{ ancre: AncreJournal; fichier: string; nouvelle: boolean }> {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`date d’ancre invalide : ${date}`);
      const dossier = dossierAncres(deps.dataDir);
      mkdirSync(dossier, { recursive: true, mode: 0o750 });
      const fichier = join(dossier, nomFichierAncre(date));
      const tete = await teteChaine(deps.db);
      const ancre: AncreJournal = { date, lignes: tete?.rang ?? 0, hash: tete?.hash ?? HASH_INITIAL, ecriteA: (deps.now?.() ?? new Date()).toISOString() };
      const provisoire = `${fichier}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(provisoire, `${JSON.stringify(ancre, null, 2)}\n`, { mode: 0o640 });
      let nouvelle = true;
      try {
        linkSync(provisoire, fichier);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        nouvelle = false;
      } finally {
        unlinkSync(provisoire);
      }
      const ecrite = nouvelle ? ancre : lireAncre(readFileSync(fichier, 'utf8'));
      log.info({ ancre: ecrite, fichier, nouvelle }, `ancre du journal du ${ecrite.date} : ${ecrite.lignes} lignes, tête ${ecrite.hash}`);
      return { ancre: ecrite, fichier, nouvelle };
    },
  };
}
