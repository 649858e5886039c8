// Usagers, their mandats with a structure, and one autorisation per démarche.
import type { RelationMappings } from 'objection';
import { BaseModel } from './base.ts';
import type { Demarche } from '../domain/demarches.ts';
import type { DureeMandat, StatutMandat } from '../domain/mandat.ts';
import { Structure } from './structure.ts';

export class Usager extends BaseModel {
  static tableName = 'usagers';

  id!: number;
  sub!: string;
  given_name!: string;
  family_name!: string;
  preferred_username!: string | null;
  birthdate!: string;
  gender!: 'female' | 'male';
  birthplace!: string | null;
  birthcountry!: string;
  email!: string | null;
  phone!: string | null;
  created_at!: Date;
  updated_at!: Date;
}

export class Autorisation extends BaseModel {
  static tableName = 'autorisations';

  id!: number;
  mandat_id!: number;
  demarche!: Demarche;
  revoked_at!: Date | null;
}

export class Mandat extends BaseModel {
  static tableName = 'mandats';

  id!: number;
  structure_id!: number;
  usager_id!: number;
  created_at!: Date;
  expires_at!: Date;
  duree_keyword!: DureeMandat | 'EUS_03_20';
  is_remote!: boolean;
  remote_consent_method!: 'SMS' | 'LEGACY' | null;
  consent_request_id!: string | null;
  template_path!: string | null;
  status!: StatutMandat;
  ended_at!: Date | null;
  aidant_id!: number | null;
  creation_key!: string | null;
  template_version!: string | null;
  workflow_started_at!: Date | null;

  usager?: Usager;
  structure?: Structure;
  autorisations?: Autorisation[];

  static get relationMappings(): RelationMappings {
    return {
      usager: { relation: BaseModel.BelongsToOneRelation, modelClass: Usager, join: { from: 'mandats.usager_id', to: 'usagers.id' } },
      structure: { relation: BaseModel.BelongsToOneRelation, modelClass: Structure, join: { from: 'mandats.structure_id', to: 'structures.id' } },
      autorisations: { relation: BaseModel.HasManyRelation, modelClass: Autorisation, join: { from: 'mandats.id', to: 'autorisations.mandat_id' } },
    };
  }
}
