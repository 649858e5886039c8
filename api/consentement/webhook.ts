// Twilio's webhook for incoming SMS (`POST /sms/reponse`, form-encoded): the usager's answer to a consent
// request. Twilio authenticates it by `X-Twilio-Signature` (HMAC of the public URL and the parameters with
// the account's auth token), checked with the official helper; there is no session and no CSRF token (the
// app mounts this router before both). A signed request is used once: every MessageSid is remembered, so a
// replayed call is refused. The answer goes to the number's consent request (api/consentement/reponses.ts),
// whose workflow decides; once stored, Twilio gets its answer even while Temporal is down. Refusals are logged without the number or the text (personal data).
import express, { Router, type Request, type Response } from 'express';
import type { Db } from '../../db/connection.ts';
import twilio from 'twilio';
import { CHEMIN_WEBHOOK_SMS } from '../../db/platform/twilio.ts';
import type { TemporalClientProvider } from '../../db/temporal/client.ts';
import { recevoirSms } from './reponses.ts';
import { logger } from '../../db/platform/logger.ts';

const log = logger.child({ component: 'webhook-sms' });

const TWIML_VIDE = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/i;

export interface DepsWebhookSms {
  db: Db;
  temporal: TemporalClientProvider;
  /** Public address of the site: Twilio signs the URL it calls, i.e. this + the path. */
  publicUrl: string;
  /** Twilio auth token; null refuses every call (production without TWILIO_AUTH_TOKEN). */
  authToken: string | null;
}

export function smsWebhookRouter(deps: DepsWebhookSms): Router {
  const router = Router();
  const base = deps.publicUrl.replace(/\/+$/, '');
  const refuser = (res: Response, status: number, raison: string, detail: Record<string, unknown> = {}) => {
    log.warn({ raison, ...detail }, 'appel du webhook SMS refusé');
    res.status(status).type('text/plain').send(status === 403 ? 'Signature Twilio absente, invalide ou déjà utilisée.' : 'Requête invalide.');
  };

  router.post(CHEMIN_WEBHOOK_SMS, express.urlencoded({ extended: false, limit: '20kb', parameterLimit: 100 }), async (req: Request, res: Response) => {
    if (!deps.authToken) {
      log.error('TWILIO_AUTH_TOKEN absent : les réponses SMS ne peuvent pas être vérifiées, elles sont refusées.');
      return res.status(503).type('text/plain').send('Service indisponible.');
    }
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
      if (typeof v !== 'string') return refuser(res, 400, 'paramètre répété');
      params[k] = v;
    }
    const signature = req.get('x-twilio-signature');
    if (!signature) return refuser(res, 403, 'signature absente');
    if (!validTwilioSignature(deps.authToken, signature, base + req.originalUrl, params)) return refuser(res, 403, 'signature fausse');
    const sid = params.MessageSid ?? params.SmsSid ?? '';
    if (!MESSAGE_SID.test(sid)) return refuser(res, 400, 'MessageSid absent ou mal formé');
    let issue: Awaited<ReturnType<typeof recevoirSms>>;
    try {
      issue = await recevoirSms(deps.db, deps.temporal, { messageSid: sid, from: params.From ?? '', body: params.Body ?? '' });
    } catch (err) {
      // PostgreSQL unreachable: nothing kept (one transaction), Twilio records the failure.
      log.error({ err, messageSid: sid }, 'réponse SMS non transmise');
      return res.status(503).type('text/plain').send('Service indisponible.');
    }
    if (issue === 'rejeu') return refuser(res, 403, 'rejeu', { messageSid: sid });
    if (issue === 'numero-inconnu') log.info({ messageSid: sid }, 'SMS reçu d’un numéro sans demande de consentement : ignoré');
    // The same empty answer whatever happened: the caller learns nothing about our requests.
    res.status(200).type('text/xml').send(TWIML_VIDE);
  });
  return router;
}

/** Checks a Twilio webhook's X-Twilio-Signature. */
function validTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  return typeof signature === 'string' && twilio.validateRequest(authToken, signature, url, params);
}
