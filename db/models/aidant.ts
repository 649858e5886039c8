// Everyone who logs in: staff, référents (responsables of structures) and aidants.
import type { RelationMappings } from 'objection';
import { BaseModel } from './base.ts';
import { Structure } from './structure.ts';
import { TotpDevice } from './totp-device.ts';

export class Aidant extends BaseModel {
  static tableName = 'aidants';

  id!: number;
  email!: string;
  first_name!: string;
  last_name!: string;
  profession!: string;
  phone!: string | null;
  is_staff!: boolean;
  is_active!: boolean;
  can_create_mandats!: boolean;
  referent_non_aidant!: boolean;
  current_structure_id!: number | null;
  last_login_at!: Date | null;
  deactivation_warning_at!: Date | null;
  cgu_version!: string | null;
  cgu_accepted_at!: Date | null;
  /** Raised when the account is deactivated or a device replaced: older sessions stop at their next request. */
  session_version!: number;
  created_at!: Date;

  structures?: Structure[];
  referentDe?: Structure[];
  currentStructure?: Structure | null;
  devices?: TotpDevice[];

  get fullName(): string {
    return `${this.first_name} ${this.last_name}`;
  }

  static get relationMappings(): RelationMappings {
    return {
      structures: {
        relation: BaseModel.ManyToManyRelation,
        modelClass: Structure,
        join: { from: 'aidants.id', through: { from: 'aidant_structures.aidant_id', to: 'aidant_structures.structure_id' }, to: 'structures.id' },
      },
      referentDe: {
        relation: BaseModel.ManyToManyRelation,
        modelClass: Structure,
        join: { from: 'aidants.id', through: { from: 'referent_structures.aidant_id', to: 'referent_structures.structure_id' }, to: 'structures.id' },
      },
      currentStructure: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: Structure,
        join: { from: 'aidants.current_structure_id', to: 'structures.id' },
      },
      devices: {
        relation: BaseModel.HasManyRelation,
        modelClass: TotpDevice,
        join: { from: 'aidants.id', to: 'totp_devices.aidant_id' },
      },
    };
  }
}
