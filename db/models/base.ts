// Base class of every Objection model: snake_case columns map to the same names in TypeScript, so the code
// reads like the SQL the journal and the constraints speak.
import { Model } from 'objection';

export class BaseModel extends Model {
  static get useLimitInFirst() {
    return true;
  }
}
