// Habilitation statuses and journal actions (db/domain/README.md#habilitation, db/domain/README.md#journal), shared by the
// database constraints, the workflows' inputs and the pages.
export const STATUTS_DEMANDE_STRUCTURE = [
  'NEW',
  'AC_VALIDATION_PROCESSING',
  'CHANGES_REQUIRED',
  'VALIDATED',
  'REFUSED',
  'CLOSED',
] as const;
export type StatutDemandeStructure = (typeof STATUTS_DEMANDE_STRUCTURE)[number];

export const STATUTS_DEMANDE_AIDANT = [
  'waiting_list',
  'new',
  'processing',
  'processing_p2p',
  'validated',
  'refused',
  'cancelled',
  'cancelled_by_referent',
] as const;
export type StatutDemandeAidant = (typeof STATUTS_DEMANDE_AIDANT)[number];

export const ACTIONS_JOURNAL = [
  'connect_aidant',
  'activity_check_aidant',
  'card_association',
  'card_validation',
  'card_dissociation',
  'franceconnect_usager',
  'update_email_usager',
  'update_phone_usager',
  'create_attestation',
  'create_autorisation',
  'use_autorisation',
  'cancel_autorisation',
  'cancel_mandat',
  'import_totp_cards',
  'init_renew_mandat',
  'transfer_mandat',
  'switch_organisation',
  'remote_sms_recap_sent',
  'remote_sms_consent_sent',
  'remote_sms_consent_received',
  'remote_sms_denial_received',
  // Ours: durable processes the public service does not journal.
  'inactivity_warning',
  'inactivity_deactivation',
  'aidant_reactivation',
  'aidant_deactivation',
  'purge_mandat',
  // Issue 13: staff's decision to add a référent to an already habilitated structure, and a référent's
  // consent to an aidant of their structure joining another one.
  'referent_attachment',
  'attachment_consent',
  'expire_mandat',
  // A third party checked a printed mandat on the public verification page (nothing about who checked).
  'verification_mandat',
  // An SMS answer that came after the first one or after the request ended: kept, not acted upon.
  'remote_sms_answer_ignored',
  // Issue 18: the aidant cancelled a remote consent request before the usager's answer.
  'remote_consent_cancelled',
  // Issue 21, the espace usager: the usager logged in with FranceConnect, reported an entry they do not
  // recognise, a référent or staff member followed the report up, the usager downloaded their data.
  'connect_usager',
  'signalement_usager',
  'signalement_suivi',
  'export_donnees_usager',
  // Issue 22, several structures per aidant: an aidant added to a structure (by a référent of both, or after
  // the consent of one of its structures' référents), removed from one, designated référent of one.
  'aidant_attachment',
  'aidant_removal',
  'referent_designation',
  // Issue 20: an alert raised on suspicious activity and its closing; a structure suspended and reactivated
  // by staff; a structure's opening hours changed.
  'alerte_levee',
  'alerte_close',
  'suspension_structure',
  'reactivation_structure',
  'horaires_structure',
] as const;

export type ActionJournal = (typeof ACTIONS_JOURNAL)[number];

/** The journal rows of remote consent by SMS (db/domain/README.md#consentement-par-sms): they carry the SMS fields (DB check). */
export const ACTIONS_JOURNAL_SMS = [
  'remote_sms_recap_sent',
  'remote_sms_consent_sent',
  'remote_sms_consent_received',
  'remote_sms_denial_received',
  'remote_sms_answer_ignored',
] as const satisfies readonly ActionJournal[];

export const TYPES_STRUCTURE = [
  'france_services',
  'ccas',
  'mairie',
  'pimms',
  'centre_social',
  'mediatheque',
  'association',
  'autre',
] as const;
export type TypeStructure = (typeof TYPES_STRUCTURE)[number];
