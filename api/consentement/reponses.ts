// An SMS answer Twilio delivered (signature already checked): remembered by its MessageSid (a second delivery
// of the same message is a replay), matched to the number's latest consent request (the last question the
// usager was asked), stored with it, and its workflow signalled with the row id: the workflow decides what
// the answer means. The signal is sent inside the transaction: if Temporal is unreachable, nothing is kept
// and the caller fails (Twilio sees an error).
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import { mobileE164 } from '../../db/domain/contact.ts';
import { signalerReponseSms } from '../../db/temporal/processes/consentement.ts';

export interface SmsRecu {
  messageSid: string;
  from: string;
  body: string;
}

export type IssueSmsRecu = 'transmise' | 'numero-inconnu' | 'rejeu';

/** Longest text kept (10 SMS segments): an answer is a word, not a letter. */
const TEXTE_MAX = 1600;

export async function recevoirSms(db: Db, client: Client, sms: SmsRecu): Promise<IssueSmsRecu> {
  const expediteur = mobileE164(sms.from) ?? sms.from;
  return db.transaction(async (trx): Promise<IssueSmsRecu> => {
    const [nouveau] = await trx('twilio_inbound_sids').insert({ message_sid: sms.messageSid }).onConflict('message_sid').ignore().returning('message_sid');
    if (!nouveau) return 'rejeu';
    const demande = await trx('consent_requests')
      .where({ phone: expediteur })
      .whereNotNull('consent_sent_at')
      .orderBy('consent_sent_at', 'desc')
      .first<{ id: string } | undefined>('id');
    if (!demande) return 'numero-inconnu';
    const [{ id }] = await trx('consent_sms')
      .insert({ consent_request_id: demande.id, direction: 'in', body: sms.body.slice(0, TEXTE_MAX), message_sid: sms.messageSid })
      .returning('id');
    if (!(await signalerReponseSms(client, demande.id, Number(id)))) {
      // No workflow any more for this request (its retention is over): nothing to keep.
      await trx('consent_sms').where({ id }).delete();
      return 'numero-inconnu';
    }
    return 'transmise';
  });
}
