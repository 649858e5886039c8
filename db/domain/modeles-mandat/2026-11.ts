// Mandat template of November 2026: the March 2026 wording completed (Code civil art. 1984 and following,
// end conditions, data rights in full, the aidant's duties on the argent démarche) and the public
// verification of the printed mandat. Published: never edit it (tests pin its hash); publish a new version.
import type { ModeleMandat } from './modele.ts';

export const MODELE_2026_11: ModeleMandat = {
  version: '2026-11',
  titre: 'Mandat pour réaliser des démarches administratives en ligne',
  demarches: {
    papiers: 'Carte d’identité, passeport, titre de séjour, permis de conduire, inscription sur les listes électorales, saisine du Défenseur des droits.',
    famille: 'Allocations familiales, naissance, mariage, pacs, scolarité et cantine, aides à la garde d’enfants.',
    social: 'Assurance maladie, complémentaire santé solidaire, handicap, aides sociales, Mutualité sociale agricole.',
    travail: 'Inscription et suivi auprès de France Travail, compte personnel de formation, retraite.',
    logement: 'Aides au logement, demande de logement social, énergie et eau.',
    transports: 'Certificat d’immatriculation, amendes, vignette Crit’Air, permis de conduire.',
    argent: 'Impôts, timbres fiscaux, démarches bancaires et de consommation ; un dossier de surendettement doit être signé par l’usager lui-même.',
    justice: 'Recours en ligne devant les juridictions administratives (Télérecours citoyens).',
    etranger: 'Titre de séjour, demande d’asile, démarches européennes.',
    loisirs: 'Activités sportives et culturelles, pass Culture.',
  },
  phraseDuree: 'Le présent mandat est conclu {duree}.',
  objet: 'Je soussigné(e) {mandant} (le mandant) donne mandat à {mandataire} (le mandataire), qui l’accepte, de réaliser en mon nom et pour mon compte les démarches administratives en ligne ci-dessous, dans les conditions des articles 1984 et suivants du Code civil. Le mandataire agit par l’intermédiaire de ses aidants habilités Aidants Connect ; ce mandat est signé avec {aidant}.',
  sections: [
    {
      titre: 'Déclaration du mandant',
      paragraphes: [
        'Je déclare ne faire l’objet d’aucune mesure de protection juridique (tutelle, curatelle ou sauvegarde de justice) m’empêchant de consentir seul(e) au présent mandat.',
        'Je déclare avoir été informé(e) de l’objet du mandat, des démarches et de la durée choisies, des données collectées et de mes droits, et y consentir librement.',
      ],
    },
    {
      titre: 'Révocation',
      paragraphes: [
        'Je peux révoquer ce mandat à tout moment, sans avoir à me justifier, en le demandant à la structure (oralement, par courrier ou par courriel) ou à l’équipe Aidants Connect. La révocation prend effet immédiatement et une attestation de révocation m’est remise.',
      ],
    },
    {
      titre: 'Fin du mandat',
      paragraphes: [
        'Le mandat prend fin à sa date d’expiration, à sa révocation, à mon décès ou à l’ouverture d’une mesure de protection juridique me concernant, ou si la structure perd son habilitation Aidants Connect.',
      ],
    },
    {
      titre: 'Engagements de l’aidant',
      paragraphes: [
        'L’aidant n’agit que pour les démarches et la durée prévues, dans mon intérêt exclusif. Il respecte la confidentialité des informations dont il a connaissance, ne conserve aucun de mes identifiants ni mots de passe et me rend compte des démarches réalisées. Il ne signe jamais à ma place un dossier de surendettement.',
      ],
    },
    {
      titre: 'Données personnelles',
      paragraphes: [
        'Mes données (identité transmise par FranceConnect, coordonnées, démarches) sont traitées par l’Agence nationale de la cohésion des territoires (ANCT), responsable du traitement, pour la gestion et la preuve des mandats. Elles sont conservées pendant la durée du mandat puis six ans après sa fin, puis supprimées.',
        'Je dispose des droits d’accès, de rectification, d’effacement, de limitation et d’opposition (règlement général sur la protection des données, articles 15 à 21), que j’exerce auprès de l’ANCT ; je peux adresser une réclamation à la CNIL.',
      ],
    },
    {
      titre: 'Vérification du mandat',
      paragraphes: [
        'Toute administration ou tout organisme peut vérifier que ce mandat est authentique et toujours valide grâce au code de vérification imprimé en bas de page ou au code QR. Seules mes initiales sont alors affichées.',
      ],
    },
  ],
  faitA: 'Fait à {lieu}, le {date}, en deux exemplaires : l’un remis à l’usager, l’autre conservé par la structure.',
  signatureUsager: 'Signature de l’usager (mandant)',
  signatureAidant: 'Signature de l’aidant, pour la structure (mandataire)',
  attestationRevocation: {
    titre: 'Attestation de révocation de mandat',
    paragraphes: [
      '{mandataire} atteste que le mandat n° {numero} conclu avec {mandant} le {creation} a été révoqué le {revocation} pour les démarches ci-dessous.',
      'À compter de cette date, aucun aidant de la structure ne peut plus réaliser ces démarches au nom de l’usager. Les autres démarches éventuelles du mandat restent couvertes jusqu’à sa fin.',
      'Les données du mandat sont conservées six ans après sa fin, comme le prévoient les conditions générales d’utilisation d’Aidants Connect, puis supprimées.',
    ],
  },
};
