// The printed mandat (db/domain/README.md#mandat-imprimé), in the wording of the template version it was signed with: mandant,
// mandataire and aidant, the démarches with what they cover, the duration and expiry, the legal text, place
// and date, signature blocks; the verification code and QR code in every page's footer. Two copies.
import { DEMARCHES } from '../../../db/domain/demarches.ts';
import { dateLongue, phraseDuree } from '../../../db/domain/mandat.ts';
import { remplir } from '../../../db/domain/modeles-mandat/index.ts';
import type { DocumentMandat } from '../../../api/mandats/preuve.ts';
import { dateNaissance } from '../../../db/domain/francais.ts';
import {
  blocsSignature, COPIES, dateHeure, enTete, ligne, MARGE, nouveauPdf, pageCourante, piedsDePage, puce, texte, titreSection, type Doc,
} from './commun.ts';
import { telephoneLisible } from '../../../db/domain/contact.ts';
import { lieuNaissance } from '../../../db/domain/lieu-naissance.ts';

export function nomComplet(u: { given_name: string; family_name: string }): string {
  return `${u.given_name} ${u.family_name}`;
}

/** Issue 22: the usager's language, whose translation is printed from its own page (web/mandats/langue-pages.ts). */
export interface AnnexeTraduction {
  nomFrancais: string;
  url: string;
}

function exemplaire(doc: Doc, d: DocumentMandat, libelle: string, annexe: AnnexeTraduction | null): void {
  const m = d.modele;
  enTete(doc, libelle);
  texte(doc, m.titre, { gras: true, taille: 16 });
  texte(doc, `Mandat n° ${d.id} · signé le ${dateHeure(d.creeLe)} · modèle ${m.version}`, { taille: 9, couleur: '#3a3a3a' });
  doc.moveDown(0.6);
  const aidant = d.aidant ?? 'un aidant habilité de la structure';
  texte(doc, remplir(m.objet, { mandant: nomComplet(d.usager), mandataire: d.structure.name, aidant }), { align: 'justify' });

  titreSection(doc, 'Le mandant (l’usager)');
  ligne(doc, 'Nom de naissance', d.usager.family_name);
  if (d.usager.preferred_username) ligne(doc, 'Nom d’usage', d.usager.preferred_username);
  ligne(doc, 'Prénoms', d.usager.given_name);
  ligne(doc, 'Date de naissance', dateNaissance(d.usager.birthdate));
  ligne(doc, 'Lieu de naissance', lieuNaissance(d.usager));
  if (d.usager.email) ligne(doc, 'Adresse e-mail', d.usager.email);
  if (d.usager.phone) ligne(doc, 'Mobile', telephoneLisible(d.usager.phone));

  titreSection(doc, 'Le mandataire (la structure)');
  ligne(doc, 'Structure', d.structure.name);
  const adresse = [d.structure.address, `${d.structure.postal_code} ${d.structure.city}`.trim()].filter(Boolean).join(', ');
  if (adresse) ligne(doc, 'Adresse', adresse);
  ligne(doc, 'Aidant habilité', aidant);

  titreSection(doc, 'Démarches confiées');
  for (const a of d.autorisations) puce(doc, DEMARCHES[a.demarche].titre, m.demarches[a.demarche]);

  titreSection(doc, 'Durée');
  texte(doc, remplir(m.phraseDuree, { duree: phraseDuree(d.duree, d.expireLe) }));
  texte(doc, `Il prend effet le ${dateHeure(d.creeLe)} et expire le ${dateHeure(d.expireLe)}.`);

  for (const section of m.sections) {
    titreSection(doc, section.titre);
    for (const p of section.paragraphes) texte(doc, p, { align: 'justify', paragraphGap: 4 });
  }

  doc.moveDown(0.8);
  texte(doc, remplir(m.faitA, { lieu: d.structure.city || d.structure.name, date: dateLongue(d.creeLe) }));
  blocsSignature(doc, { titre: m.signatureUsager, nom: nomComplet(d.usager) }, { titre: m.signatureAidant, nom: `${aidant}, ${d.structure.name}` });
  if (annexe) {
    // Not part of the template (nor of its hash): it only points to the translation printed with the mandat.
    titreSection(doc, `Traduction en ${annexe.nomFrancais}`);
    texte(doc, `Une traduction de ce mandat en ${annexe.nomFrancais} est remise à l’usager avec ce document, pour information : elle ne le remplace pas et seul le présent texte en français fait foi. Elle s’imprime depuis la page de l’usager (« Imprimer la traduction ») ou à l’adresse ${annexe.url}.`, { align: 'justify' });
  }
}

/** The mandat as a PDF (two copies), its footer pointing to `urlVerification` when the mandat has a code. */
export async function pdfMandat(d: DocumentMandat, urlVerification: string | null, annexe: AnnexeTraduction | null = null): Promise<Buffer> {
  const { doc, octets } = nouveauPdf({ titre: `Mandat n° ${d.id}`, sujet: d.modele.titre });
  const pages: { libelle: string; premiere: number; derniere: number }[] = [];
  for (const [i, copie] of COPIES.entries()) {
    if (i > 0) doc.addPage();
    doc.x = MARGE;
    const premiere = pageCourante(doc);
    exemplaire(doc, d, copie.libelle, annexe);
    pages.push({ libelle: copie.libelle, premiere, derniere: pageCourante(doc) });
  }
  piedsDePage(doc, pages, { code: d.code, urlVerification, reference: `Mandat n° ${d.id} · modèle ${d.modele.version}` });
  doc.end();
  return octets;
}
