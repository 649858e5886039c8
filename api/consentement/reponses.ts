// An SMS answer Twilio delivered (signature already checked): remembered by its MessageSid (a second delivery
// of the same message is a replay), matched to the request whose reply code it names (issue 18, item 1: a
// second structure's request to the same number cannot capture it), else to the number's latest request
// (which ignores an answer without its code), stored with it, and its workflow signalled with the row id: the
// workflow decides what the answer means. The answer is committed first, then signalled, for 5 s at most:
// Twilio does not call again, so an answer must be kept even while Temporal is down (README « Pannes et
// reprises »); the worker's periodic reconciliation signals the answers no workflow has read
// (db/temporal/processes/consentement.ts retransmettreReponsesSms).
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import { mobileE164 } from '../../db/domain/contact.ts';
import { codeDeLaReponse } from '../../db/domain/consentement.ts';
import { logger } from '../../db/platform/logger.ts';
import { demandeDeLaReponse, enregistrerMessageSid, enregistrerSmsRecu, supprimerSmsRecu } from '../../db/queries/consentement.ts';
import { signalerReponseSms } from '../../db/temporal/processes/consentement.ts';

const log = logger.child({ component: 'webhook-sms' });

export interface SmsRecu {
  messageSid: string;
  from: string;
  body: string;
}

export type IssueSmsRecu = 'transmise' | 'numero-inconnu' | 'rejeu';

/** Longest text kept (10 SMS segments): an answer is a word, not a letter. */
const TEXTE_MAX = 1600;

/** How long Twilio's call waits for Temporal (Twilio itself gives up after 15 s). */
const DELAI_SIGNAL_MS = 5000;

export async function recevoirSms(db: Db, temporal: () => Promise<Client>, sms: SmsRecu): Promise<IssueSmsRecu> {
  const expediteur = mobileE164(sms.from) ?? sms.from;
  const recu = await db.transaction(async (trx): Promise<IssueSmsRecu | { demandeId: string; smsId: number }> => {
    if (!(await enregistrerMessageSid(trx, sms.messageSid))) return 'rejeu';
    const demande = await demandeDeLaReponse(trx, expediteur, codeDeLaReponse(sms.body));
    if (!demande) return 'numero-inconnu';
    return { demandeId: demande.id, smsId: await enregistrerSmsRecu(trx, { demandeId: demande.id, texte: sms.body.slice(0, TEXTE_MAX), messageSid: sms.messageSid }) };
  });
  if (typeof recu === 'string') return recu;
  let signale: boolean;
  try {
    const client = await temporal();
    signale = await client.withDeadline(Date.now() + DELAI_SIGNAL_MS, () => signalerReponseSms(client, recu.demandeId, recu.smsId));
  } catch (err) {
    log.warn({ err, smsId: recu.smsId }, 'réponse SMS gardée, pas encore transmise : la réconciliation du worker la transmettra');
    return 'transmise';
  }
  if (!signale) {
    // No workflow any more for this request (its retention is over): nothing to keep.
    await supprimerSmsRecu(db, recu.smsId);
    return 'numero-inconnu';
  }
  return 'transmise';
}
