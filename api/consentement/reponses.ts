// An SMS answer Twilio delivered (signature already checked): remembered by its MessageSid (a second delivery
// of the same message is a replay), matched to the request whose reply code it names (issue 18, item 1: a
// second structure's request to the same number cannot capture it), else to the number's latest request
// (which ignores an answer without its code), stored with it, and its workflow signalled with the row id: the workflow decides what
// the answer means. The signal is sent inside the transaction: if Temporal is unreachable, nothing is kept
// and the caller fails (Twilio sees an error).
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import { mobileE164 } from '../../db/domain/contact.ts';
import { codeDeLaReponse } from '../../db/domain/consentement.ts';
import { demandeDeLaReponse, enregistrerMessageSid, enregistrerSmsRecu, supprimerSms } from '../../db/queries/consentement.ts';
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
    if (!(await enregistrerMessageSid(trx, sms.messageSid))) return 'rejeu';
    const demande = await demandeDeLaReponse(trx, expediteur, codeDeLaReponse(sms.body));
    if (!demande) return 'numero-inconnu';
    const id = await enregistrerSmsRecu(trx, { demandeId: demande.id, texte: sms.body.slice(0, TEXTE_MAX), messageSid: sms.messageSid });
    if (!(await signalerReponseSms(client, demande.id, id))) {
      // No workflow any more for this request (its retention is over): nothing to keep.
      await supprimerSms(trx, id);
      return 'numero-inconnu';
    }
    return 'transmise';
  });
}
