// The emails of the inactivity watch, in French: the warning to the aidant, then the deactivation notice to
// the aidant and to the référents of their structures. Pure functions, so their wording is unit-tested.
import { dateEnFrancais, de } from '../domain/francais.ts';

export interface Courriel {
  subject: string;
  text: string;
}

/** "12 mars 2027", "1er juin 2027", in Paris time: the dates the recipients read (the shared French rule). */
export { dateEnFrancais };

export function courrielAvertissement(p: { prenom: string; referenceMs: number; desactivationPrevueMs: number; lienConnexion: string }): Courriel {
  return {
    subject: 'Réactivez votre compte Aidants Connect',
    text: [
      `Bonjour ${p.prenom},`,
      '',
      `Nous n'avons enregistré aucune connexion à votre compte Aidants Connect depuis le ${dateEnFrancais(p.referenceMs)}.`,
      `Sans connexion de votre part d'ici le ${dateEnFrancais(p.desactivationPrevueMs)}, votre compte sera désactivé (conditions générales d'utilisation, article 5).`,
      '',
      'Pour garder votre compte actif, il suffit de vous connecter avec votre adresse e-mail et votre code :',
      p.lienConnexion,
      '',
      'Une fois le compte désactivé, seul le référent Aidants Connect de votre structure pourra le réactiver.',
      '',
      "L'équipe Aidants Connect",
    ].join('\n'),
  };
}

export function courrielDesactivationAidant(p: { prenom: string; referenceMs: number; lienConnexion: string }): Courriel {
  return {
    subject: 'Votre compte Aidants Connect a été désactivé',
    text: [
      `Bonjour ${p.prenom},`,
      '',
      `Faute de connexion depuis le ${dateEnFrancais(p.referenceMs)}, et comme annoncé dans notre précédent courriel, votre compte Aidants Connect a été désactivé.`,
      '',
      'Pour retrouver votre accès, contactez le référent Aidants Connect de votre structure : il peut réactiver votre compte depuis son espace référent.',
      `Vous pourrez ensuite vous connecter ici : ${p.lienConnexion}`,
      '',
      "L'équipe Aidants Connect",
    ].join('\n'),
  };
}

export function courrielDesactivationReferent(p: {
  prenomReferent: string;
  aidant: { prenom: string; nom: string; email: string };
  referenceMs: number;
  /** The aidant's page in the espace référent, where the reactivation is. */
  lienReactivation: string;
}): Courriel {
  const nom = `${p.aidant.prenom} ${p.aidant.nom}`;
  return {
    subject: `Compte Aidants Connect désactivé : ${nom}`,
    text: [
      `Bonjour ${p.prenomReferent},`,
      '',
      `Le compte Aidants Connect ${de(nom)} (${p.aidant.email}) a été désactivé : aucune connexion depuis le ${dateEnFrancais(p.referenceMs)}, malgré un courriel d'avertissement.`,
      '',
      `Si cette personne accompagne toujours des usagers dans votre structure, réactivez son compte sur sa page de votre espace référent :`,
      p.lienReactivation,
      '',
      "L'équipe Aidants Connect",
    ].join('\n'),
  };
}
