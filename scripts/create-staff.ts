// `npm run create-staff -- --email prenom.nom@anct.gouv.fr --prenom Prénom --nom Nom`: creates a staff
// account with an authenticator app and shows its secret once.
import { parseArgs } from 'node:util';
import { withDatabase } from './local-db.ts';
import { creerCompteStaff, CompteExistant } from '../db/queries/comptes.ts';

const { values } = parseArgs({ options: { email: { type: 'string' }, prenom: { type: 'string' }, nom: { type: 'string' } } });
if (!values.email || !values.prenom || !values.nom) {
  console.error('Usage : npm run create-staff -- --email prenom.nom@anct.gouv.fr --prenom Prénom --nom Nom');
  process.exit(2);
}
await withDatabase(async (db) => {
  try {
    const compte = await creerCompteStaff(db, { email: values.email!, first_name: values.prenom!, last_name: values.nom! });
    console.log(`Compte équipe créé (n° ${compte.id}) pour ${values.email}.`);
    console.log('Ajoutez ce compte dans une application d’authentification (affiché une seule fois) :');
    console.log(`  clé : ${compte.secret}`);
    console.log(`  URI : ${compte.uri}`);
  } catch (err) {
    console.error(`ERREUR : ${err instanceof CompteExistant ? err.message : (err as Error).message}`);
    process.exitCode = 1;
  }
});
