// `npm run verifier-journal [-- --ancre <fichier>]`: checks the journal's whole hash chain (db/domain/
// chaine-journal.ts), each of its lanes, read in batches, and names every broken row (the first 100); with an archived anchor (a
// file written daily by the worker under DATA_DIR/ancres-journal/), also that each lane still holds its head at that rank,
// which a rewrite of the whole chain cannot keep. Exit 0 when intact, 1 when broken, 2 on a usage error.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { withDatabase } from './local-db.ts';
import { verifierChaine } from '../db/queries/journal.ts';
import { lireAncre, messageRupture, type AncreJournal } from '../db/domain/chaine-journal.ts';

const nombre = (n: number) => n.toLocaleString('fr-FR');
let options;
try {
  options = parseArgs({ options: { ancre: { type: 'string' }, lot: { type: 'string' } } }).values;
} catch (err) {
  console.error(`${(err as Error).message}\nUsage : npm run verifier-journal [-- --ancre ancre-journal-AAAA-MM-JJ.json]`);
  process.exit(2);
}
let ancre: AncreJournal | null = null;
if (options.ancre) {
  try {
    ancre = lireAncre(readFileSync(options.ancre, 'utf8'));
  } catch (err) {
    console.error(`ERREUR : ancre ${options.ancre} illisible : ${(err as Error).message}`);
    process.exit(2);
  }
}
const taille = options.lot ? Number(options.lot) : undefined;
if (taille !== undefined && !(Number.isInteger(taille) && taille > 0 && taille <= 100_000)) {
  console.error('ERREUR : --lot attend un nombre de lignes entre 1 et 100 000.');
  process.exit(2);
}

await withDatabase(async (db) => {
  console.log('Vérification de la chaîne du journal…');
  let dernierAffichage = performance.now();
  const v = await verifierChaine(db, {
    ancre,
    taille,
    apresLot: (n) => {
      if (performance.now() - dernierAffichage < 2000) return;
      dernierAffichage = performance.now();
      console.log(`  ${nombre(n)} lignes vérifiées…`);
    },
  });
  const duree = `${(v.dureeMs / 1000).toFixed(1)} s`;
  if (v.ok) {
    const { voies, racine } = v.etat!;
    if (voies.length === 0) console.log(`✔ Journal vide (${duree}).`);
    else if (voies.length === 1 && voies[0].voie === 0) console.log(`✔ Chaîne intacte : ${nombre(v.lignes)} lignes, tête n°\u00a0${voies[0].id} (rang ${voies[0].rang}), empreinte ${voies[0].hash} (${duree}).`);
    else {
      console.log(`✔ Chaîne intacte : ${nombre(v.lignes)} lignes en ${voies.length} voies, racine ${racine} (${duree}).`);
      for (const t of voies) console.log(`  voie ${t.voie} : ${nombre(t.rang)} lignes, tête n°\u00a0${t.id}, empreinte ${t.hash}`);
    }
    if (ancre) console.log(`✔ L’ancre du ${ancre.date} (${nombre(ancre.lignes)} lignes, ${ancre.hash}) est dans la chaîne.`);
  } else {
    console.log(`✘ Chaîne rompue : ${messageRupture(v.rupture!)}. ${nombre(v.intactesAvant)} lignes intactes avant elle (${duree}).`);
    console.log(`  ${nombre(v.nombreRuptures)} rupture(s) en tout sur ${nombre(v.lignes)} lignes vérifiées${v.nombreRuptures > v.ruptures.length ? ` ; les ${v.ruptures.length} premières :` : ' :'}`);
    for (const r of v.ruptures) console.log(`  - ${messageRupture(r)}`);
    process.exitCode = 1;
  }
});
