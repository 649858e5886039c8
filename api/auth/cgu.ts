// Recording that an account accepted the terms of use in force (the SQL: db/queries/authentification.ts).
export { enregistrerAcceptationCgu } from '../../db/queries/authentification.ts';
