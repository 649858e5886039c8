// The revocation attestation (db/domain/README.md#révocation) for the usager to sign: usager, structure, the démarches revoked
// and when, the mandat's creation date, signature blocks; the mandat's verification code in the footer (the
// public page then answers "révoqué"). Two copies, in the wording of the mandat's template version.
import { DEMARCHES } from '../../../db/domain/demarches.ts';
import { dateLongue } from '../../../db/domain/mandat.ts';
import { remplir } from '../../../db/domain/modeles-mandat/index.ts';
import type { DocumentMandat } from '../../../api/mandats/preuve.ts';
import { dateNaissance } from '../../../db/domain/francais.ts';
import { nomComplet } from './mandat.ts';
import {
  blocsSignature, COPIES, dateHeure, enTete, ligne, MARGE, nouveauPdf, pageCourante, piedsDePage, puce, texte, titreSection, type Doc,
} from './commun.ts';

/** The latest revocation of the mandat (the whole mandat's, when it ended by revocation). */
export function dateRevocation(d: DocumentMandat): Date | null {
  if (d.statut === 'revoked' && d.finLe) return d.finLe;
  const dates = d.autorisations.flatMap((a) => (a.revoqueeLe ? [a.revoqueeLe.getTime()] : []));
  return dates.length ? new Date(Math.max(...dates)) : null;
}

function exemplaire(doc: Doc, d: DocumentMandat, libelle: string, revocation: Date): void {
  const a = d.modele.attestationRevocation;
  enTete(doc, libelle);
  texte(doc, a.titre, { gras: true, taille: 17 });
  texte(doc, `Mandat n° ${d.id} · signé le ${dateHeure(d.creeLe)} · révoqué le ${dateHeure(revocation)}`, { taille: 9, couleur: '#3a3a3a' });
  doc.moveDown(0.6);
  const valeurs = {
    mandant: nomComplet(d.usager), mandataire: d.structure.name, numero: String(d.id),
    creation: dateLongue(d.creeLe), revocation: dateLongue(revocation),
  };
  for (const p of a.paragraphes) texte(doc, remplir(p, valeurs), { align: 'justify', paragraphGap: 4 });

  titreSection(doc, 'L’usager');
  ligne(doc, 'Nom et prénoms', `${d.usager.family_name}${d.usager.preferred_username ? ` (nom d’usage : ${d.usager.preferred_username})` : ''}, ${d.usager.given_name}`);
  ligne(doc, 'Date de naissance', dateNaissance(d.usager.birthdate));

  titreSection(doc, 'La structure');
  ligne(doc, 'Structure', d.structure.name);
  const adresse = [d.structure.address, `${d.structure.postal_code} ${d.structure.city}`.trim()].filter(Boolean).join(', ');
  if (adresse) ligne(doc, 'Adresse', adresse);

  titreSection(doc, 'Démarches révoquées');
  for (const aut of d.autorisations.filter((x) => x.revoqueeLe)) {
    puce(doc, DEMARCHES[aut.demarche].titre, `Révoquée le ${dateHeure(aut.revoqueeLe!)}`);
  }
  const restantes = d.statut === 'active' ? d.autorisations.filter((x) => !x.revoqueeLe) : [];
  if (restantes.length) {
    titreSection(doc, 'Démarches toujours couvertes par le mandat');
    for (const aut of restantes) puce(doc, DEMARCHES[aut.demarche].titre, `Jusqu’au ${dateLongue(d.expireLe)}`);
  }
  titreSection(doc, 'Dates');
  ligne(doc, 'Mandat signé le', dateHeure(d.creeLe));
  ligne(doc, 'Révocation le', dateHeure(revocation));

  doc.moveDown(0.8);
  texte(doc, `Fait à ${d.structure.city || d.structure.name}, le ${dateLongue(revocation)}.`);
  blocsSignature(doc, { titre: 'Signature de l’usager', nom: nomComplet(d.usager) }, { titre: 'Signature de l’aidant, pour la structure', nom: `${d.aidant ?? 'Aidant habilité'}, ${d.structure.name}` });
}

/** Null when nothing of the mandat was revoked. */
export async function pdfRevocation(d: DocumentMandat, urlVerification: string | null): Promise<Buffer | null> {
  const revocation = dateRevocation(d);
  if (!revocation) return null;
  const { doc, octets } = nouveauPdf({ titre: `Attestation de révocation du mandat n° ${d.id}`, sujet: d.modele.attestationRevocation.titre });
  const pages: { libelle: string; premiere: number; derniere: number }[] = [];
  for (const [i, copie] of COPIES.entries()) {
    if (i > 0) doc.addPage();
    doc.x = MARGE;
    const premiere = pageCourante(doc);
    exemplaire(doc, d, copie.libelle, revocation);
    pages.push({ libelle: copie.libelle, premiere, derniere: pageCourante(doc) });
  }
  piedsDePage(doc, pages, { code: d.code, urlVerification, reference: `Attestation de révocation · mandat n° ${d.id}` });
  doc.end();
  return octets;
}
