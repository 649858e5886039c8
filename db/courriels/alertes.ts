// Emails of issue 20, in French: an alert to the structure's référents and to staff, a structure's suspension
// and reactivation to its référents, a transfer of mandats to both structures' référents. Pure functions. They
// name no usager: the alert says what happened and links to the page that shows the evidence (after login).
import type { Courriel } from './inactivite.ts';

const SIGNATURE = ['', "L'équipe Aidants Connect"];

export function courrielAlerte(p: { prenom: string; structure: string; libelle: string; description: string; lien: string }): Courriel {
  return {
    subject: `Alerte sur l’activité de ${p.structure} : ${p.libelle.toLowerCase()}`,
    text: [
      `Bonjour ${p.prenom},`,
      '',
      `Une activité inhabituelle a été relevée pour ${p.structure} :`,
      p.description,
      '',
      "Consultez l'alerte, les lignes du journal qui la fondent et l'aidant concerné, puis close-la avec un commentaire :",
      p.lien,
      ...SIGNATURE,
    ].join('\n'),
  };
}

export function courrielSuspension(p: { prenom: string; structure: string; raison: string }): Courriel {
  return {
    subject: `${p.structure} est suspendue d’Aidants Connect`,
    text: [
      `Bonjour ${p.prenom},`,
      '',
      `L'équipe Aidants Connect a suspendu ${p.structure}. Motif :`,
      p.raison,
      '',
      "Pendant la suspension, les aidants de la structure ne peuvent plus se connecter, ni créer ou utiliser de mandat. Les mandats en cours sont conservés.",
      "Pour en savoir plus, répondez à ce message.",
      ...SIGNATURE,
    ].join('\n'),
  };
}

export function courrielReactivation(p: { prenom: string; structure: string }): Courriel {
  return {
    subject: `${p.structure} peut de nouveau utiliser Aidants Connect`,
    text: [
      `Bonjour ${p.prenom},`,
      '',
      `La suspension de ${p.structure} est levée : ses aidants peuvent de nouveau se connecter, créer et utiliser des mandats.`,
      ...SIGNATURE,
    ].join('\n'),
  };
}

export function courrielTransfert(p: { prenom: string; structure: string; source: string; cible: string; nombre: number; sortant: boolean }): Courriel {
  const mandats = p.nombre > 1 ? `${p.nombre} mandats` : '1 mandat';
  return {
    subject: p.sortant ? `${mandats} de ${p.source} transférés à ${p.cible}` : `${mandats} transférés à ${p.cible} depuis ${p.source}`,
    text: [
      `Bonjour ${p.prenom},`,
      '',
      `L'équipe Aidants Connect a transféré ${mandats} de ${p.source} à ${p.cible}.`,
      p.sortant
        ? `Les aidants de ${p.source} ne peuvent plus les utiliser ; ${p.cible} en est désormais mandataire.`
        : `${p.cible} en est désormais mandataire : ses aidants peuvent les utiliser pour les démarches qu'elle autorise.`,
      "La preuve de chaque mandat est recalculée : le code de vérification imprimé reste valable et désigne la nouvelle structure.",
      ...SIGNATURE,
    ].join('\n'),
  };
}
