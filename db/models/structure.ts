// A structure (organisation): the legal person that is the mandataire of every mandat.
import type { RelationMappings } from 'objection';
import { BaseModel } from './base.ts';
import type { Demarche } from '../domain/demarches.ts';
import type { TypeStructure } from '../domain/statuts.ts';
import { Aidant } from './aidant.ts';

export type HorairesOuverture = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', [string, string][]>>;

export class Structure extends BaseModel {
  static tableName = 'structures';

  id!: number;
  name!: string;
  siret!: string | null;
  type!: TypeStructure;
  address!: string;
  postal_code!: string;
  city!: string;
  city_insee_code!: string | null;
  is_public!: boolean;
  partner_administration!: string | null;
  data_pass_id!: string | null;
  allowed_demarches!: Demarche[];
  opening_hours!: HorairesOuverture;
  is_active!: boolean;
  created_at!: Date;

  aidants?: Aidant[];
  referents?: Aidant[];

  static get relationMappings(): RelationMappings {
    return {
      aidants: {
        relation: BaseModel.ManyToManyRelation,
        modelClass: Aidant,
        join: { from: 'structures.id', through: { from: 'aidant_structures.structure_id', to: 'aidant_structures.aidant_id' }, to: 'aidants.id' },
      },
      referents: {
        relation: BaseModel.ManyToManyRelation,
        modelClass: Aidant,
        join: { from: 'structures.id', through: { from: 'referent_structures.structure_id', to: 'referent_structures.aidant_id' }, to: 'aidants.id' },
      },
    };
  }
}
