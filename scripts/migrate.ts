// `npm run migrate`: applies the pending migrations to DATABASE_URL (or the project's local cluster).
import { withDatabase } from './local-db.ts';

await withDatabase(async () => {
  console.log('Schéma à jour.');
});
