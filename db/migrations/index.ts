// Every migration, in order. Listed here (rather than read from the folder) so that the same list works
// from the TypeScript sources and from the compiled build.
import type { Knex } from 'knex';
import * as m001 from './001_domain_model.ts';
import * as m002 from './002_auth.ts';
import * as m003 from './003_habilitation.ts';
import * as m004 from './004_mandats.ts';
import * as m006 from './006_securite.ts';

export const migrations: Record<string, Knex.Migration> = {
  '001_domain_model': m001,
  '002_auth': m002,
  '003_habilitation': m003,
  '004_mandats': m004,
  '006_securite': m006,
};
