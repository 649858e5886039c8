// What `npm start` and `npm run seed` print for a person trying the service: the addresses with the ports
// actually configured, and what to do next. Pure functions, so their wording is unit-tested.
import { nombre } from '../db/domain/francais.ts';

/** Where the local services answer (from `npm start`'s runtime file or the environment). */
export interface LocalUrls {
  web: string;
  /** Local inbox and SMS list (absent when real SMTP or Twilio are configured). */
  mail?: string;
  sms?: string;
  temporalUi?: string;
}

/** The lines after `npm start` is ready. */
export function startReadyLines(seconds: string, urls: LocalUrls): string[] {
  const extras = [
    '/health pour la santé',
    urls.mail ? `courriels : ${urls.mail}` : null,
    urls.sms ? `SMS : ${urls.sms}` : null,
    urls.temporalUi ? `Temporal : ${urls.temporalUi}` : null,
  ].filter(Boolean);
  return [
    `prêt en ${seconds} s — ${urls.web}  (${extras.join(', ')}) — Ctrl-C pour arrêter`,
    `ensuite, dans un autre terminal : npm run seed charge les comptes de démonstration (l'équipe ANCT, une référente, deux aidants) et affiche leurs clés d'application ; la référente fait sa première connexion sur ${urls.web}/premiere-connexion, les autres se connectent sur ${urls.web}/connexion`,
  ];
}

export interface SeedReport {
  structureId: number;
  staffEmail: string;
  structure: { name: string; siret: string };
  referent: { email: string; phone: string };
  aidants: string[];
  /** The app keys created now (shown once), by account. */
  applications: { label: string; secret: string; uri: string }[];
  /** Demo mandats loaded. */
  mandats: number;
}

/** The lines `npm run seed` prints. `label` of an application reads after "de": "l'équipe ANCT", "l'aidant x@y.fr". */
export function seedReportLines(r: SeedReport, urls: LocalUrls): string[] {
  const lines = [
    `Données de démonstration chargées (structure n° ${r.structureId}) :`,
    `  compte de l'équipe ANCT : ${r.staffEmail}`,
    `  structure               : ${r.structure.name} (SIRET ${r.structure.siret})`,
    `  référente               : ${r.referent.email}`,
    ...r.aidants.map((a) => `  compte d'aidant         : ${a}`),
    `  usagers                : ${nombre(r.mandats, 'mandat', 'mandats')} de démonstration (actif, qui expire bientôt, expiré, révoqué), sur la page « Mes usagers » de ${r.aidants[0]}`,
  ];
  if (r.applications.length) {
    lines.push(`Applications d'authentification créées (${nombre(r.applications.length, 'clé affichée', 'clés affichées')} une seule fois : ajoutez-les à une application comme FreeOTP ou Aegis) :`);
    for (const a of r.applications) lines.push(`  de ${a.label} : clé ${a.secret}`, `    ${a.uri}`);
  } else {
    lines.push("Applications d'authentification : déjà créées lors d'un chargement précédent (les clés ne sont affichées qu'une fois).");
  }
  lines.push(
    'Pour essayer :',
    `  la référente fait sa première connexion sur ${urls.web}/premiere-connexion avec ${r.referent.email} et le ${r.referent.phone}`,
    `  les autres comptes se connectent sur ${urls.web}/connexion avec leur adresse et le code de leur application`,
  );
  if (urls.sms) lines.push(`  les SMS s'affichent sur ${urls.sms}`);
  if (urls.mail) lines.push(`  les courriels (liens de connexion) arrivent sur ${urls.mail}`);
  return lines;
}

/** One line for the mandat workflows the seed started. */
export function mandatsLine(demarrees: number, dejaEnCours: number): string {
  return `  vies des mandats : ${nombre(demarrees, 'workflow démarré', 'workflows démarrés')}, ${dejaEnCours} déjà en cours (workflows mandat-<id>)`;
}

/** One line for the inactivity watches the seed started. */
export function watchesLine(demarrees: number, dejaEnCours: number): string {
  return `  veilles d'inactivité : ${nombre(demarrees, 'veille démarrée', 'veilles démarrées')}, ${dejaEnCours} déjà en cours (workflows inactivite-<id> dans l'interface Temporal)`;
}

/** The addresses of `npm start`'s services: its runtime file when it runs, else the environment's ports. */
export function localUrls(env: NodeJS.ProcessEnv, runtime: Partial<LocalUrls> | null): LocalUrls {
  const host = env.HOST && env.HOST !== '0.0.0.0' ? env.HOST : '127.0.0.1';
  return {
    web: (env.PUBLIC_URL ?? runtime?.web ?? `http://${host}:${env.PORT ?? 3000}`).replace(/\/$/, ''),
    mail: runtime ? runtime.mail : env.SMTP_HOST ? undefined : `http://127.0.0.1:${env.MAIL_UI_PORT ?? 1080}`,
    sms: runtime ? runtime.sms : env.TWILIO_ACCOUNT_SID ? undefined : `http://127.0.0.1:${env.TWILIO_FAKE_PORT ?? 1090}`,
    temporalUi: runtime?.temporalUi,
  };
}
