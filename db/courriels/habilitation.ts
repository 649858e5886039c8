// The French emails of the habilitation process. Plain text; links are absolute (publicUrl), each to the page
// where the email's action is (followed in tests/integration/email-links.test.ts).
import { de } from '../domain/francais.ts';
export interface Courriel {
  subject: string;
  text: string;
}

const signature = "\n\nL'équipe Aidants Connect\nhttps://aidantsconnect.beta.gouv.fr";

export const courriels = {
  confirmationEmail: (p: { prenom: string; lien: string }): Courriel => ({
    subject: 'Confirmez votre adresse e-mail — demande d’habilitation Aidants Connect',
    text: `Bonjour ${p.prenom},\n\nPour poursuivre votre demande d'habilitation à Aidants Connect, confirmez votre adresse e-mail en ouvrant ce lien (valable 3 jours) :\n\n${p.lien}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message.${signature}`,
  }),
  accesDemande: (p: { prenom: string; lien: string }): Courriel => ({
    subject: 'Votre lien d’accès à votre demande d’habilitation',
    text: `Bonjour ${p.prenom},\n\nVoici votre lien pour retrouver votre demande d'habilitation (valable 3 jours) :\n\n${p.lien}${signature}`,
  }),
  soumise: (p: { prenom: string; structure: string; lien: string; nouvelle: boolean }): Courriel => ({
    subject: p.nouvelle ? `Demande d’habilitation soumise à nouveau — ${p.structure}` : `Demande d’habilitation reçue — ${p.structure}`,
    text: `Bonjour ${p.prenom},\n\n${p.nouvelle ? 'Votre demande modifiée' : 'Votre demande'} d'habilitation pour « ${p.structure} » a bien été ${p.nouvelle ? 'soumise à nouveau' : 'reçue'}. L'équipe Aidants Connect va l'instruire et reviendra vers vous.\n\nSuivre votre demande : ${p.lien}${signature}`,
  }),
  modificationsDemandees: (p: { prenom: string; structure: string; message: string; lien: string }): Courriel => ({
    subject: `Modifications demandées — demande d’habilitation ${p.structure}`,
    text: `Bonjour ${p.prenom},\n\nL'équipe Aidants Connect demande des modifications à votre demande d'habilitation pour « ${p.structure} » :\n\n« ${p.message} »\n\nModifiez votre demande puis soumettez-la à nouveau : ${p.lien}${signature}`,
  }),
  refusee: (p: { prenom: string; structure: string; motif: string }): Courriel => ({
    subject: `Demande d’habilitation refusée — ${p.structure}`,
    text: `Bonjour ${p.prenom},\n\nLa demande d'habilitation à Aidants Connect pour « ${p.structure} » a été refusée pour le motif suivant :\n\n« ${p.motif} »\n\nPour toute question, répondez à ce message.${signature}`,
  }),
  valideeDemandeur: (p: { prenom: string; structure: string; lien: string }): Courriel => ({
    subject: `Demande d’habilitation validée — ${p.structure}`,
    text: `Bonjour ${p.prenom},\n\nBonne nouvelle : la demande d'habilitation pour « ${p.structure} » est validée. Le référent a reçu ses informations de première connexion ; les aidants vont maintenant suivre la formation et passer le test Pix.\n\nSuivre la demande : ${p.lien}${signature}`,
  }),
  valideeReferent: (p: { prenom: string; structure: string; lien: string }): Courriel => ({
    subject: `Votre rôle de référent Aidants Connect — ${p.structure}`,
    text: `Bonjour ${p.prenom},\n\nLa structure « ${p.structure} » est habilitée à Aidants Connect et vous y avez le rôle de référent. Votre compte est créé. Pour votre première connexion, ouvrez cette page et indiquez votre adresse e-mail et votre numéro de mobile :\n\n${p.lien}\n\nVous recevrez un code par SMS et un lien par e-mail, puis vous configurerez votre application d'authentification.\n\nChaque aidant sera activé après sa formation et son test Pix.${signature}`,
  }),
  aidantActiveAidant: (p: { prenom: string; structure: string; lien: string }): Courriel => ({
    subject: 'Votre compte Aidants Connect est activé',
    text: `Bonjour ${p.prenom},\n\nVotre formation et votre test Pix sont enregistrés : votre compte d'aidant Aidants Connect pour « ${p.structure} » est activé. Votre référent va associer votre application d'authentification (ou votre carte) à votre compte ; vous pourrez alors vous connecter sur ${p.lien}${signature}`,
  }),
  aidantActiveReferent: (p: { prenom: string; aidant: string; structure: string; lien: string }): Courriel => ({
    subject: `Compte d'aidant activé : ${p.aidant}`,
    text: `Bonjour ${p.prenom},\n\nLa formation et le test Pix ${de(p.aidant)} sont enregistrés : son compte d'aidant pour « ${p.structure} » est activé. Il lui faut maintenant un moyen de connexion : associez-lui une carte ou configurez son application d'authentification sur sa page de votre espace référent :\n\n${p.lien}${signature}`,
  }),
  relanceEquipe: (p: { structure: string; depuis: string; lien: string }): Courriel => ({
    subject: `Relance : demande d’habilitation en attente — ${p.structure}`,
    text: `Bonjour,\n\nLa demande d'habilitation de « ${p.structure} » attend une décision depuis le ${p.depuis}.\n\nL'instruire : ${p.lien}${signature}`,
  }),
  relanceFormation: (p: { prenom: string; aidant: string; manque: string; lien: string }): Courriel => ({
    subject: `Relance : ${p.aidant} n’a pas terminé son parcours d’habilitation`,
    text: `Bonjour ${p.prenom},\n\nLe compte ${de(p.aidant)} n'est pas encore activé : il manque ${p.manque}. Inscrivez cette personne à une session de formation ou au test Pix, ou retirez sa demande depuis la liste d'attente de votre espace référent :\n\n${p.lien}${signature}`,
  }),
  demandeSurStructureExistante: (p: { prenom: string; structure: string; demandeur: string; referent: string }): Courriel => ({
    subject: `Une demande d’habilitation a été déposée pour ${p.structure}`,
    text: `Bonjour ${p.prenom},\n\nVous êtes référent Aidants Connect de « ${p.structure} ». Une nouvelle demande d'habilitation vient d'être déposée pour cette structure (même SIRET) par ${p.demandeur}, avec pour référent ${p.referent}.\n\nL'équipe Aidants Connect l'examinera ; personne ne sera ajouté à votre structure sans une décision explicite de sa part. Si vous n'êtes pas au courant de cette demande, répondez à ce message pour nous le signaler.${signature}`,
  }),
  referentAjoute: (p: { prenom: string; structure: string; referent: string }): Courriel => ({
    subject: `Nouveau référent pour ${p.structure}`,
    text: `Bonjour ${p.prenom},\n\nSur décision de l'équipe Aidants Connect, ${p.referent} est désormais aussi référent de « ${p.structure} », avec les aidants de sa demande d'habilitation.\n\nSi cette personne ne fait pas partie de votre structure, répondez à ce message sans attendre.${signature}`,
  }),
  nouvelAidantRefuse: (p: { prenom: string; aidant: string }): Courriel => ({
    subject: `Demande d’habilitation refusée pour ${p.aidant}`,
    text: `Bonjour ${p.prenom},\n\nL'équipe Aidants Connect n'a pas retenu la demande d'habilitation ${de(p.aidant)}.${signature}`,
  }),
};
