// The emails of the espace usager (issue 21), in French. Pure functions, so their wording is unit-tested.
// Towards the structure, nothing of the usager's identity but their initials (« A. D. ») and a link to the
// usager's page, which only a logged-in aidant of the structure opens; the usager's own words in a report
// stay in the application (the outbox keeps texts for weeks).
import { dateEnFrancais, type Courriel } from './inactivite.ts';

export function courrielRevocationStructure(p: { prenom: string; initiales: string; structure: string; quoi: string; lien: string }): Courriel {
  return {
    subject: `Un usager a révoqué ${p.quoi} en ligne`,
    text: [
      `Bonjour ${p.prenom},`,
      '',
      `L’usager ${p.initiales} a révoqué ${p.quoi} confié à ${p.structure}, depuis son espace usager Aidants Connect.`,
      'Les démarches concernées ne peuvent plus être réalisées pour cette personne. Si elle souhaite être de nouveau accompagnée, un nouveau mandat doit être signé avec elle.',
      '',
      'Voir la fiche de l’usager (connexion requise) :',
      p.lien,
      '',
      'L’équipe Aidants Connect',
    ].join('\n'),
  };
}

export function courrielRecuRevocation(p: { prenom: string; structure: string; quoi: string; leMs: number; lien: string }): Courriel {
  return {
    subject: 'Votre révocation est enregistrée',
    text: [
      `Bonjour ${p.prenom},`,
      '',
      `Vous avez révoqué ${p.quoi} confié à ${p.structure}, le ${dateEnFrancais(p.leMs)}.`,
      'À partir de maintenant, plus aucune démarche couverte par cette révocation ne peut être réalisée en votre nom. La structure a été prévenue.',
      '',
      'Votre attestation de révocation est disponible dans votre espace usager (connexion avec FranceConnect) :',
      p.lien,
      '',
      'Si vous n’êtes pas à l’origine de cette révocation, répondez à ce message.',
      '',
      'L’équipe Aidants Connect',
    ].join('\n'),
  };
}

export function courrielSignalement(p: { prenom: string; initiales: string; structure: string; action: string; acteLeMs: number; motif: string; lien: string }): Courriel {
  return {
    subject: 'Un usager ne reconnaît pas une action faite en son nom',
    text: [
      `Bonjour ${p.prenom},`,
      '',
      `L’usager ${p.initiales} signale depuis son espace usager une action qu’il ne reconnaît pas :`,
      `- action : ${p.action}, le ${dateEnFrancais(p.acteLeMs)} (${p.structure}) ;`,
      `- motif : ${p.motif}.`,
      '',
      'Consultez le signalement, puis indiquez son suivi (en cours, clos) et votre commentaire (connexion requise) :',
      p.lien,
      '',
      'L’équipe Aidants Connect',
    ].join('\n'),
  };
}
