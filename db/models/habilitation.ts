// Habilitation requests: the demandeur, the structure request, its per-aidant requests and messages.
import type { RelationMappings } from 'objection';
import { BaseModel } from './base.ts';
import type { StatutDemandeAidant, StatutDemandeStructure, TypeStructure } from '../domain/statuts.ts';

export class Demandeur extends BaseModel {
  static tableName = 'demandeurs';

  id!: number;
  email!: string;
  first_name!: string;
  last_name!: string;
  profession!: string;
  phone!: string | null;
  email_confirmed_at!: Date | null;
  created_at!: Date;
}

export class DemandeAidant extends BaseModel {
  static tableName = 'demandes_aidant';

  id!: number;
  demande_id!: string | null;
  structure_id!: number | null;
  email!: string;
  first_name!: string;
  last_name!: string;
  profession!: string;
  status!: StatutDemandeAidant;
  formation_date!: string | null;
  formation_type!: 'classic' | 'p2p' | null;
  trainer_email!: string | null;
  pix_date!: string | null;
  pix_score!: number | null;
  aidant_id!: number | null;
  created_at!: Date;
}

export class MessageHabilitation extends BaseModel {
  static tableName = 'messages_habilitation';

  id!: number;
  demande_id!: string;
  sender!: 'staff' | 'demandeur';
  author_id!: number | null;
  content!: string;
  created_at!: Date;
}

export class DemandeHabilitation extends BaseModel {
  static tableName = 'demandes_habilitation';

  id!: string;
  demandeur_id!: number;
  status!: StatutDemandeStructure;
  siret!: string | null;
  structure_name!: string | null;
  structure_type!: TypeStructure | null;
  address!: string | null;
  postal_code!: string | null;
  city!: string | null;
  is_public!: boolean | null;
  partner_administration!: string | null;
  free_support_certified!: boolean;
  referent_first_name!: string | null;
  referent_last_name!: string | null;
  referent_email!: string | null;
  referent_phone!: string | null;
  referent_profession!: string | null;
  referent_is_aidant!: boolean;
  cgu!: boolean;
  not_free!: boolean;
  dpo!: boolean;
  professionals_only!: boolean;
  without_elected!: boolean;
  data_pass_id!: string | null;
  structure_id!: number | null;
  submitted_at!: Date | null;
  created_at!: Date;
  updated_at!: Date;

  demandeur?: Demandeur;
  aidants?: DemandeAidant[];
  messages?: MessageHabilitation[];

  static get relationMappings(): RelationMappings {
    return {
      demandeur: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: Demandeur,
        join: { from: 'demandes_habilitation.demandeur_id', to: 'demandeurs.id' },
      },
      aidants: {
        relation: BaseModel.HasManyRelation,
        modelClass: DemandeAidant,
        join: { from: 'demandes_habilitation.id', to: 'demandes_aidant.demande_id' },
      },
      messages: {
        relation: BaseModel.HasManyRelation,
        modelClass: MessageHabilitation,
        join: { from: 'demandes_habilitation.id', to: 'messages_habilitation.demande_id' },
      },
    };
  }
}
