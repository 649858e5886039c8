// English translation of the mandat template 2026-11 (db/domain/modeles-mandat/2026-11.ts), given to the
// usager for information. NOT the legal reference: only the French text of the mandat is binding.
import type { TraductionModele } from '../traduction.ts';

export const TRADUCTION: TraductionModele = {
  version: '2026-11',
  langue: 'en',
  nom: 'English',
  nomFrancais: 'anglais',
  direction: 'ltr',
  locale: 'en-GB',
  avertissement: 'This translation is provided for information only, to help you understand the mandate you sign. Only the French text of the mandate is legally binding; in case of any difference, the French text prevails.',

  titre: 'Mandate to carry out administrative procedures online',
  demarches: {
    papiers: 'Identity card, passport, residence permit, driving licence, registration on the electoral rolls, referral to the Defender of Rights (Défenseur des droits).',
    famille: 'Family allowances, birth, marriage, civil partnership (PACS), schooling and school canteen, childcare assistance.',
    social: 'Health insurance, supplementary health cover (complémentaire santé solidaire), disability, social benefits, agricultural social insurance (Mutualité sociale agricole).',
    travail: 'Registration and follow-up with France Travail, personal training account (compte personnel de formation), retirement.',
    logement: 'Housing benefits, application for social housing, energy and water.',
    transports: 'Vehicle registration certificate, fines, Crit’Air sticker, driving licence.',
    argent: 'Taxes, tax stamps, banking and consumer matters; an over-indebtedness application must be signed by the user personally.',
    justice: 'Online appeals before the administrative courts (Télérecours citoyens).',
    etranger: 'Residence permit, asylum application, European procedures.',
    loisirs: 'Sports and cultural activities, Culture Pass (pass Culture).',
  },
  phraseDuree: 'This mandate is granted {duree}.',
  objet: 'I, the undersigned {mandant} (the principal), give a mandate to {mandataire} (the agent), which accepts it, to carry out in my name and on my behalf the online administrative procedures listed below, under the conditions of articles 1984 and following of the French Civil Code. The agent acts through its Aidants Connect authorised helpers (aidants); this mandate is signed with {aidant}.',
  sections: [
    {
      titre: 'Declaration of the principal',
      paragraphes: [
        'I declare that I am not subject to any legal protection measure (guardianship, curatorship or safeguard of justice) preventing me from consenting alone to this mandate.',
        'I declare that I have been informed of the purpose of the mandate, of the procedures and the duration chosen, of the data collected and of my rights, and that I freely consent to it.',
      ],
    },
    {
      titre: 'Revocation',
      paragraphes: [
        'I may revoke this mandate at any time, without having to give reasons, by asking the organisation (orally, by letter or by email) or the Aidants Connect team. The revocation takes effect immediately and I am given a revocation certificate.',
      ],
    },
    {
      titre: 'End of the mandate',
      paragraphes: [
        'The mandate ends on its expiry date, upon its revocation, upon my death or upon the opening of a legal protection measure concerning me, or if the organisation loses its Aidants Connect authorisation.',
      ],
    },
    {
      titre: 'Commitments of the helper (aidant)',
      paragraphes: [
        'The helper acts only for the procedures and the duration provided for, in my sole interest. The helper keeps confidential the information they learn, keeps none of my usernames or passwords and reports to me on the procedures carried out. The helper never signs an over-indebtedness application in my place.',
      ],
    },
    {
      titre: 'Personal data',
      paragraphes: [
        'My data (identity transmitted by FranceConnect, contact details, procedures) are processed by the National Agency for Territorial Cohesion (ANCT), the data controller, to manage mandates and prove them. They are kept for the duration of the mandate and then for six years after it ends, and are then deleted.',
        'I have the rights of access, rectification, erasure, restriction and objection (General Data Protection Regulation, articles 15 to 21), which I exercise with the ANCT; I may lodge a complaint with the CNIL, the French data protection authority.',
      ],
    },
    {
      titre: 'Verification of the mandate',
      paragraphes: [
        'Any administration or organisation can check that this mandate is authentic and still valid using the verification code printed at the bottom of the page or the QR code. Only my initials are then displayed.',
      ],
    },
  ],
  faitA: 'Done in {lieu}, on {date}, in two copies: one given to the user, the other kept by the organisation.',
  signatureUsager: 'Signature of the user (principal)',
  signatureAidant: 'Signature of the helper, for the organisation (agent)',

  titresDemarches: {
    papiers: 'Identity papers - Citizenship - Elections',
    famille: 'Family - Schooling',
    social: 'Social matters - Health',
    travail: 'Work - Training',
    logement: 'Housing',
    transports: 'Transport - Mobility',
    argent: 'Money - Taxes - Consumer matters',
    justice: 'Justice',
    etranger: 'Foreign nationals - Europe',
    loisirs: 'Leisure - Sport - Culture',
  },
  durees: {
    SHORT: 'for 1 day, until {fin}',
    MONTH: 'for 31 days, until {fin}',
    SEMESTER: 'for 182 days, until {fin}',
    LONG: 'for 365 days, until {fin}',
  },
  libelles: {
    reference: 'Mandate no. {numero} · signed on {date} · template {version}',
    mandant: 'The principal (the user)',
    mandataire: 'The agent (the organisation)',
    nom: 'Name',
    structure: 'Organisation',
    aidant: 'Authorised helper',
    aidantInconnu: 'an authorised helper of the organisation',
    demarches: 'Procedures entrusted',
    duree: 'Duration',
    priseEffet: 'It takes effect on {debut} and expires on {fin}.',
    signatures: 'Signatures (on the French original)',
  },
};
