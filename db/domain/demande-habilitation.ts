// The habilitation request form, step by step (db/domain/README.md#demande-de-la-structure): what each step requires, in French, and the
// fingerprint that tells whether a resubmitted request really changed. Pure functions: the pages call
// them, and nothing is saved unless the step has no error.
import { createHash } from 'node:crypto';
import { erreurSiret, normaliserSiret } from './siret.ts';
import { emailValide, erreurEmailProfessionnel, normaliserEmail } from './habilitation.ts';
import { TYPES_STRUCTURE, type TypeStructure } from './statuts.ts';
import { LONGUEUR_MAX_NOM, mobileE164, nomValide } from './contact.ts';

export type Erreurs = Record<string, string>;
export type Champs = Record<string, unknown>;

const texte = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const coche = (v: unknown): boolean => v === 'on' || v === 'oui' || v === 'true' || v === true;

export const ETAPES_DEMANDE = [
  { cle: 'identite', titre: 'Vos informations' },
  { cle: 'structure', titre: 'La structure' },
  { cle: 'referent', titre: 'Le référent' },
  { cle: 'aidants', titre: 'Les aidants à habiliter' },
  { cle: 'engagements', titre: 'Engagements et envoi' },
] as const;
export type EtapeDemande = (typeof ETAPES_DEMANDE)[number]['cle'];


function requis(erreurs: Erreurs, champ: string, valeur: string, message: string, max = 200): void {
  if (!valeur) erreurs[champ] = message;
  else if (valeur.length > max) erreurs[champ] = `Ce champ ne doit pas dépasser ${max} caractères.`;
}

/** A first or last name: required, and only letters and common punctuation (domain rule in contact.ts). */
function nom(erreurs: Erreurs, champ: string, valeur: string, message: string): void {
  requis(erreurs, champ, valeur, message, LONGUEUR_MAX_NOM);
  if (!erreurs[champ] && !nomValide(valeur)) erreurs[champ] = 'Utilisez seulement des lettres, des espaces, des tirets et des apostrophes.';
}

export interface Demandeur {
  first_name: string;
  last_name: string;
  email: string;
  profession: string;
}

export function validerDemandeur(c: Champs): { valeurs: Demandeur; erreurs: Erreurs } {
  const valeurs = { first_name: texte(c.first_name), last_name: texte(c.last_name), email: normaliserEmail(texte(c.email)), profession: texte(c.profession) };
  const erreurs: Erreurs = {};
  nom(erreurs, 'first_name', valeurs.first_name, 'Indiquez votre prénom.');
  nom(erreurs, 'last_name', valeurs.last_name, 'Indiquez votre nom.');
  if (!valeurs.email) erreurs.email = 'Indiquez votre adresse e-mail.';
  else if (!emailValide(valeurs.email)) erreurs.email = "L'adresse e-mail n'est pas valide (format attendu : prenom.nom@structure.fr).";
  requis(erreurs, 'profession', valeurs.profession, 'Indiquez votre fonction dans la structure.');
  return { valeurs, erreurs };
}

export interface StructureDemandee {
  siret: string;
  structure_name: string;
  structure_type: TypeStructure;
  address: string;
  postal_code: string;
  city: string;
  is_public: boolean;
  partner_administration: string | null;
  free_support_certified: boolean;
}

export function validerStructure(c: Champs): { valeurs: StructureDemandee; erreurs: Erreurs } {
  const publique = texte(c.is_public);
  const valeurs: StructureDemandee = {
    siret: normaliserSiret(texte(c.siret)),
    structure_name: texte(c.structure_name),
    structure_type: texte(c.structure_type) as TypeStructure,
    address: texte(c.address),
    postal_code: texte(c.postal_code).replace(/\s/g, ''),
    city: texte(c.city),
    is_public: publique === 'oui',
    partner_administration: texte(c.partner_administration) || null,
    free_support_certified: coche(c.free_support_certified),
  };
  const erreurs: Erreurs = {};
  const siret = erreurSiret(valeurs.siret);
  if (siret) erreurs.siret = siret;
  requis(erreurs, 'structure_name', valeurs.structure_name, 'Indiquez le nom de la structure.');
  if (!TYPES_STRUCTURE.includes(valeurs.structure_type)) erreurs.structure_type = 'Choisissez le type de structure.';
  requis(erreurs, 'address', valeurs.address, "Indiquez l'adresse de la structure.");
  if (!/^\d{5}$/.test(valeurs.postal_code) && !/^2[AB]\d{3}$/.test(valeurs.postal_code)) erreurs.postal_code = 'Le code postal contient 5 chiffres.';
  requis(erreurs, 'city', valeurs.city, 'Indiquez la commune.');
  if (publique !== 'oui' && publique !== 'non') erreurs.is_public = 'Indiquez si la structure est publique ou privée.';
  if (publique === 'non' && !valeurs.partner_administration) {
    erreurs.partner_administration = "Une structure privée indique l'administration partenaire qui la soutient (préfecture, collectivité, CAF…).";
  }
  if (publique === 'oui') valeurs.partner_administration = null;
  if (!valeurs.free_support_certified) erreurs.free_support_certified = "Certifiez que l'accompagnement des usagers est gratuit : une structure qui le fait payer n'est pas éligible.";
  return { valeurs, erreurs };
}

export interface ReferentDemande {
  referent_first_name: string;
  referent_last_name: string;
  referent_email: string;
  referent_phone: string;
  referent_profession: string;
  referent_is_aidant: boolean;
}

export function validerReferent(c: Champs): { valeurs: ReferentDemande; erreurs: Erreurs } {
  const mobile = mobileE164(texte(c.referent_phone));
  const valeurs: ReferentDemande = {
    referent_first_name: texte(c.referent_first_name),
    referent_last_name: texte(c.referent_last_name),
    referent_email: normaliserEmail(texte(c.referent_email)),
    referent_phone: mobile ?? texte(c.referent_phone),
    referent_profession: texte(c.referent_profession),
    referent_is_aidant: coche(c.referent_is_aidant),
  };
  const erreurs: Erreurs = {};
  nom(erreurs, 'referent_first_name', valeurs.referent_first_name, 'Indiquez le prénom du référent.');
  nom(erreurs, 'referent_last_name', valeurs.referent_last_name, 'Indiquez le nom du référent.');
  const email = erreurEmailProfessionnel(valeurs.referent_email);
  if (email) erreurs.referent_email = email;
  if (!mobile) erreurs.referent_phone = 'Indiquez un numéro de téléphone mobile français (06 ou 07) : il sert à la première connexion du référent.';
  requis(erreurs, 'referent_profession', valeurs.referent_profession, 'Indiquez la fonction du référent.');
  return { valeurs, erreurs };
}

export interface AidantDemande {
  first_name: string;
  last_name: string;
  email: string;
  profession: string;
}

/** One aidant to habilitate; `dejaDansLaDemande` are the emails already listed (an email appears once). */
export function validerAidant(c: Champs, dejaDansLaDemande: string[] = []): { valeurs: AidantDemande; erreurs: Erreurs } {
  const valeurs = { first_name: texte(c.first_name), last_name: texte(c.last_name), email: normaliserEmail(texte(c.email)), profession: texte(c.profession) };
  const erreurs: Erreurs = {};
  nom(erreurs, 'first_name', valeurs.first_name, "Indiquez le prénom de l'aidant.");
  nom(erreurs, 'last_name', valeurs.last_name, "Indiquez le nom de l'aidant.");
  const email = erreurEmailProfessionnel(valeurs.email);
  if (email) erreurs.email = email;
  else if (dejaDansLaDemande.map(normaliserEmail).includes(valeurs.email)) erreurs.email = 'Cet aidant figure déjà dans la liste.';
  requis(erreurs, 'profession', valeurs.profession, "Indiquez la profession de l'aidant (conseiller numérique, agent d'accueil…).");
  return { valeurs, erreurs };
}

/** The five mandatory certifications (habilitation form, CGU art. 1 and 5). */
export const CERTIFICATIONS = {
  cgu: "J'ai lu et j'accepte les conditions générales d'utilisation d'Aidants Connect.",
  not_free: "Je certifie qu'aucun accompagnement réalisé avec Aidants Connect ne sera facturé aux usagers, et j'ai pris connaissance du coût de la formation des aidants et de ses financements possibles.",
  professionals_only: 'Je certifie que les aidants sont des professionnels salariés de la structure : aucun bénévole, volontaire en service civique, stagiaire ni apprenti.',
  without_elected: "Je certifie qu'aucun aidant ni le référent n'est élu ou mandataire judiciaire (tuteur, curateur).",
  dpo: 'Je certifie avoir informé le délégué à la protection des données (DPO) de la structure de cette demande.',
} as const;
export type Certification = keyof typeof CERTIFICATIONS;

/** Each certification in a few words, so an error names the box left unticked. */
export const CERTIFICATIONS_COURTES: Record<Certification, string> = {
  cgu: "les conditions générales d'utilisation",
  not_free: "la gratuité de l'accompagnement pour les usagers",
  professionals_only: 'des aidants professionnels salariés de la structure',
  without_elected: 'aucun élu ni mandataire judiciaire',
  dpo: "l'information du délégué à la protection des données",
};

export function validerCertifications(c: Champs): { valeurs: Record<Certification, boolean>; erreurs: Erreurs } {
  const valeurs = Object.fromEntries(Object.keys(CERTIFICATIONS).map((k) => [k, coche(c[k])])) as Record<Certification, boolean>;
  const erreurs: Erreurs = {};
  for (const k of Object.keys(CERTIFICATIONS) as Certification[]) if (!valeurs[k]) erreurs[k] = `Cochez l'engagement sur ${CERTIFICATIONS_COURTES[k]} : il est obligatoire pour envoyer la demande.`;
  return { valeurs, erreurs };
}

/** What must be complete before submission, in French, with the step where it is filled in (empty when the
 * request can be sent). */
export function elementsManquants(d: Record<string, unknown>, nombreAidants: number): { texte: string; etape: EtapeDemande }[] {
  const manque: { texte: string; etape: EtapeDemande }[] = [];
  if (!d.siret || !d.structure_name) manque.push({ texte: 'les informations de la structure', etape: 'structure' });
  if (!d.referent_email) manque.push({ texte: 'le référent', etape: 'referent' });
  if (nombreAidants < 1 && !d.referent_is_aidant) manque.push({ texte: 'au moins un aidant à habiliter', etape: 'aidants' });
  return manque;
}

const CHAMPS_EMPREINTE = [
  'siret', 'structure_name', 'structure_type', 'address', 'postal_code', 'city', 'is_public', 'partner_administration',
  'referent_first_name', 'referent_last_name', 'referent_email', 'referent_phone', 'referent_profession', 'referent_is_aidant',
] as const;

/** Fingerprint of what staff review: a resubmission with the same fingerprint changed nothing. */
export function empreinteDemande(d: Record<string, unknown>, aidants: { email: string; first_name: string; last_name: string; profession: string }[]): string {
  const contenu = {
    demande: CHAMPS_EMPREINTE.map((k) => d[k] ?? null),
    aidants: aidants.map((a) => [normaliserEmail(a.email), a.first_name, a.last_name, a.profession]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
  };
  return createHash('sha256').update(JSON.stringify(contenu)).digest('hex');
}
