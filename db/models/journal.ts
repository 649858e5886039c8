// The journal: append-only in PostgreSQL (a trigger refuses UPDATE, DELETE and TRUNCATE).
import { BaseModel } from './base.ts';
import type { ActionJournal } from '../domain/statuts.ts';

export class JournalEntry extends BaseModel {
  static tableName = 'journal';

  id!: number;
  action!: ActionJournal;
  aidant_id!: number | null;
  structure_id!: number | null;
  usager_id!: number | null;
  mandat_id!: number | null;
  demarche!: string | null;
  duree!: number | null;
  access_token!: string | null;
  autorisation_id!: number | null;
  attestation_hash!: string | null;
  additional_information!: string;
  is_remote_mandat!: boolean;
  user_phone!: string | null;
  consent_request_id!: string | null;
  remote_consent_method!: string | null;
  /** Remote consent: the SMS (text, and through its request the number) this row is about; purged with them. */
  consent_sms_id!: number | null;
  idempotency_key!: string | null;
  oidc_client_id!: string | null;
  created_at!: Date;
  /** The hash chain (db/domain/chaine-journal.ts), given by the insert trigger. */
  chaine_voie!: number;
  chaine_rang!: number;
  hash_precedent!: string;
  hash!: string;
}
