// What an aidant sees of usagers and mandats: only those linked to the aidant's current structure by a
// mandat. Every function takes the structure id and filters on it; a usager or mandat of another structure
// is simply not found. The reads themselves are queries of db/queries/mandats.ts, given to the pages here.
export {
  demarchesAutorisees, mandatARevoquer, nomStructure, usagerDeLaStructure, usagerDuMandat, usagersDeLaStructure,
  type MandatDetail, type UsagerDetail, type UsagerListe,
} from '../../db/queries/mandats.ts';
