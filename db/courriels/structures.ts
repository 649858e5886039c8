// The French emails of several structures per aidant (db/domain/README.md#plusieurs-structures). Plain text;
// the link is absolute (publicUrl) and leads to the page where the référent answers.
import type { Courriel } from './habilitation.ts';

const signature = "\n\nL'équipe Aidants Connect\nhttps://aidantsconnect.beta.gouv.fr";

export const courrielsStructures = {
  /** To the référents of the aidant's structures: another structure asks for the aidant, their consent is needed. */
  rattachementDemande: (p: { prenom: string; aidant: string; demandeur: string; structure: string; lien: string }): Courriel => ({
    subject: `Accord demandé : ${p.aidant} dans une autre structure`,
    text: `Bonjour ${p.prenom},\n\n${p.demandeur}, référent de « ${p.structure} », demande que ${p.aidant}, membre de votre structure, rejoigne aussi « ${p.structure} » dans Aidants Connect. Son référent aurait alors sur ce compte les mêmes droits que vous.\n\nRien ne se fait sans votre accord. Pour accepter ou refuser, ouvrez votre espace référent :\n\n${p.lien}\n\nSi vous ne connaissez pas cette demande, refusez-la et prévenez l'équipe Aidants Connect.${signature}`,
  }),
};
