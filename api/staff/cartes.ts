// The staff's import of physical TOTP cards. The line-by-line import lives in db/queries/cartes.ts (each line
// written whole or refused with its reason); the page calls it through here, like every page calls api/.
export { importerCartes, type LigneImport, type RapportImport } from '../../db/queries/cartes.ts';
