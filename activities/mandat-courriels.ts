// The email of a mandat's life, in French: the expiry reminder to the structure's aidants. A pure function, so
// its wording is unit-tested. It names the usager and the expiry date only: no birth data, no démarche, nothing
// else of the usager's identity (the outbox keeps the text until the mandat's purge).
import { dateEnFrancais, type Courriel } from './inactivite-courriels.ts';

export function courrielRappelExpiration(p: {
  prenomAidant: string;
  usager: { prenom: string; nom: string };
  structure: string;
  expiresAtMs: number;
  lienUsager: string;
}): Courriel {
  const usager = `${p.usager.prenom} ${p.usager.nom}`;
  return {
    subject: `Un mandat arrive à échéance le ${dateEnFrancais(p.expiresAtMs)}`,
    text: [
      `Bonjour ${p.prenomAidant},`,
      '',
      `Le mandat de ${usager} avec ${p.structure} expire le ${dateEnFrancais(p.expiresAtMs)}.`,
      "Après cette date, plus aucune démarche ne pourra être réalisée pour cette personne au titre de ce mandat.",
      '',
      "Si elle souhaite que votre structure continue à l'accompagner, vous pouvez renouveler le mandat avec elle depuis sa fiche :",
      p.lienUsager,
      '',
      "L'équipe Aidants Connect",
    ].join('\n'),
  };
}
