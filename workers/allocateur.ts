// The worker's native memory allocator. The Temporal core (Rust) and the workflow threads allocate from many
// threads; glibc's malloc then opens an arena per thread (up to 8 per core), and memory freed in an arena is
// seldom given back to the system: the worker's resident memory climbs with every burst of workflow tasks
// although nothing stays allocated (README « Vie des mandats », measured by `npm run bench`). One arena
// (MALLOC_ARENA_MAX=1) keeps it low. glibc reads the variable when the process starts, so it is set by
// whoever launches the worker (`npm start` does, scripts/start.ts); the worker only warns when it is missing.

/** The value `npm start` and the bench give the worker process. */
export const MALLOC_ARENA_MAX_WORKER = '1';

/** Warns (once, at start-up) when the worker runs without a bounded number of malloc arenas. */
export function avertirSansAllocateurCompact(avertir: (message: string) => void, env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux' || env.MALLOC_ARENA_MAX) return false;
  avertir(
    `MALLOC_ARENA_MAX n'est pas défini : la mémoire du worker grandit avec les pics de tâches de workflow ; ` +
    `lancez-le avec MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX_WORKER} (README « Vie des mandats »).`,
  );
  return true;
}
