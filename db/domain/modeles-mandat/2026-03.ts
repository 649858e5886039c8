// Mandat template of March 2026: the wording of the public service's `20260323_mandat.html`. Published:
// never edit it (tests pin its hash); publish a new version instead.
import type { ModeleMandat } from './modele.ts';

export const MODELE_2026_03: ModeleMandat = {
  version: '2026-03',
  titre: 'Mandat de représentation pour des démarches administratives en ligne',
  demarches: {
    papiers: 'Carte d’identité, passeport, permis de conduire, inscription sur les listes électorales, saisine du Défenseur des droits.',
    famille: 'Allocations familiales, naissance, mariage, pacs, scolarité, garde d’enfants.',
    social: 'Assurance maladie, complémentaire santé solidaire, handicap, aides sociales.',
    travail: 'Inscription et suivi auprès de France Travail, formation professionnelle, retraite.',
    logement: 'Aides au logement, demande de logement social, énergie.',
    transports: 'Certificat d’immatriculation, amendes, vignette Crit’Air.',
    argent: 'Impôts, timbres fiscaux, démarches bancaires et de consommation.',
    justice: 'Recours en ligne devant les juridictions administratives.',
    etranger: 'Titre de séjour, demande d’asile, démarches européennes.',
    loisirs: 'Activités sportives et culturelles.',
  },
  phraseDuree: 'Le présent mandat est conclu {duree}.',
  objet: 'Je soussigné(e) {mandant} (le mandant) donne mandat à {mandataire} (le mandataire), qui l’accepte, de réaliser en mon nom et pour mon compte les démarches administratives en ligne ci-dessous, conformément à l’article 1984 du Code civil. Le mandataire agit par l’intermédiaire de ses aidants habilités ; ce mandat est signé avec {aidant}.',
  sections: [
    {
      titre: 'Déclaration du mandant',
      paragraphes: [
        'Je déclare ne faire l’objet d’aucune mesure de protection juridique (tutelle, curatelle ou sauvegarde de justice) et avoir été informé(e) de l’objet du mandat et de sa durée.',
      ],
    },
    {
      titre: 'Révocation et fin du mandat',
      paragraphes: [
        'Je peux révoquer ce mandat à tout moment en le demandant à la structure ou à l’équipe Aidants Connect.',
        'Le mandat prend fin à sa date d’expiration, à sa révocation ou si la structure perd son habilitation.',
      ],
    },
    {
      titre: 'Engagements de l’aidant',
      paragraphes: [
        'L’aidant n’agit que pour les démarches et la durée prévues, dans mon intérêt exclusif, et respecte la confidentialité des informations dont il a connaissance. Il ne conserve aucun de mes identifiants ni mots de passe.',
      ],
    },
    {
      titre: 'Données personnelles',
      paragraphes: [
        'Mes données sont traitées par l’Agence nationale de la cohésion des territoires (ANCT) pour la gestion et la preuve des mandats, et conservées six ans après la fin du mandat. Je peux exercer mes droits d’accès, de rectification et d’effacement auprès de l’ANCT et saisir la CNIL.',
      ],
    },
  ],
  faitA: 'Fait à {lieu}, le {date}, en deux exemplaires.',
  signatureUsager: 'Signature de l’usager (mandant)',
  signatureAidant: 'Signature de l’aidant, pour la structure (mandataire)',
  attestationRevocation: {
    titre: 'Attestation de révocation de mandat',
    paragraphes: [
      '{mandataire} atteste que le mandat n° {numero} conclu avec {mandant} le {creation} a été révoqué le {revocation} pour les démarches ci-dessous.',
      'À compter de cette date, aucun aidant de la structure ne peut plus réaliser ces démarches au nom de l’usager.',
    ],
  },
};
