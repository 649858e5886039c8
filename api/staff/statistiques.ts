// The figures of the staff home page (the SQL: db/queries/statistiques.ts).
export { statistiquesEquipe, type StatistiquesEquipe } from '../../db/queries/statistiques.ts';
