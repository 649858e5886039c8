// TOTP devices (a physical card or an authenticator app) and the imported physical cards.
import { BaseModel } from './base.ts';

export class TotpCard extends BaseModel {
  static tableName = 'totp_cards';

  id!: number;
  serial_number!: string;
  seed!: string;
  created_at!: Date;
}

export class TotpDevice extends BaseModel {
  static tableName = 'totp_devices';

  id!: number;
  aidant_id!: number;
  kind!: 'card' | 'app';
  card_id!: number | null;
  secret!: string;
  period!: number;
  confirmed!: boolean;
  last_time_step!: number | null;
  tolerance!: number;
  failures!: number;
  drift!: number;
  created_at!: Date;
}
