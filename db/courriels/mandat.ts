// The email of a mandat's life, in French: the expiry reminder to the structure's aidants. A pure function, so
// its wording is unit-tested. It names the usager and the expiry date only: no birth data, no démarche, nothing
// else of the usager's identity (the outbox keeps the text until the mandat's purge).
import { dateEnFrancais, type Courriel } from './inactivite.ts';

/** "1er mars 2027", "12 mars 2027". */
export function dateMandat(ms: number): string {
  return dateEnFrancais(ms).replace(/^1 /, '1er ');
}

export function courrielRappelExpiration(p: {
  prenomAidant: string;
  usager: { prenom: string; nom: string };
  structure: string;
  expiresAtMs: number;
  lienUsager: string;
}): Courriel {
  const usager = `${p.usager.prenom} ${p.usager.nom}`;
  return {
    subject: `Un mandat arrive à échéance le ${dateMandat(p.expiresAtMs)}`,
    text: [
      `Bonjour ${p.prenomAidant},`,
      '',
      `Le mandat confié par ${usager} à ${p.structure} expire le ${dateMandat(p.expiresAtMs)}.`,
      "Après cette date, plus aucune démarche ne pourra être réalisée pour cette personne au titre de ce mandat.",
      '',
      "Si elle souhaite que votre structure continue à l'accompagner, vous pouvez renouveler le mandat avec elle depuis sa fiche :",
      p.lienUsager,
      '',
      "L'équipe Aidants Connect",
    ].join('\n'),
  };
}
