// Every migration, in order. Listed here (rather than read from the folder) so that the same list works
// from the TypeScript sources and from the compiled build.
import type { Knex } from 'knex';
import * as m001 from './001_domain_model.ts';
import * as m002 from './002_auth.ts';
import * as m003 from './003_habilitation.ts';
import * as m004 from './004_mandats.ts';
import * as m005 from './005_vie_mandat.ts';
import * as m006 from './006_securite.ts';
import * as m008 from './008_oidc.ts';
import * as m009 from './009_preuve_mandat.ts';
import * as m010 from './010_consentement.ts';
import * as m011 from './011_journal_chaine.ts';
import * as m012 from './012_alertes_structures.ts';
import * as m013 from './013_espace_usager.ts';
import * as m015 from './015_langue_mandat.ts';
import * as m016 from './016_revue_securite.ts';
import * as m017 from './017_annulation_consentement.ts';
import * as m018 from './018_plusieurs_structures.ts';
import * as m019 from './019_reserver_tentatives.ts';
import * as m020 from './020_voies_journal.ts';
import * as m021 from './021_reponses_recentes.ts';
import * as m022 from './022_forme_journal.ts';

export const migrations: Record<string, Knex.Migration> = {
  '001_domain_model': m001,
  '002_auth': m002,
  '003_habilitation': m003,
  '004_mandats': m004,
  '005_vie_mandat': m005,
  '006_securite': m006,
  '008_oidc': m008,
  '009_preuve_mandat': m009,
  '010_consentement': m010,
  '011_journal_chaine': m011,
  '012_alertes_structures': m012,
  '013_espace_usager': m013,
  '015_langue_mandat': m015,
  '016_revue_securite': m016,
  '017_annulation_consentement': m017,
  '018_plusieurs_structures': m018,
  '019_reserver_tentatives': m019,
  '020_voies_journal': m020,
  '021_reponses_recentes': m021,
  '022_forme_journal': m022,
};
