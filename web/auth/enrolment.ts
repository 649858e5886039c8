// Enrolling an authenticator app: a secret kept in the session until the first code confirms it, shown as
// a QR code of its otpauth URI.
import type { Request } from 'express';
import { generateSecret, generateURI } from 'otplib';
import QRCode from 'qrcode';
import { seal, unseal } from '../../db/secrets.ts';

declare module 'express-session' {
  interface SessionData {
    /** The secret rests sealed in the sessions table like any other secret. */
    enrolment?: { aidantId: number; sealed: string };
  }
}

export function pendingSecret(req: Request, aidantId: number): string {
  if (req.session.enrolment?.aidantId !== aidantId || !req.session.enrolment.sealed) {
    req.session.enrolment = { aidantId, sealed: seal('session.enrolment', generateSecret()) };
  }
  return unseal('session.enrolment', req.session.enrolment.sealed);
}

/** The secret being enrolled for this aidant, or null when none was shown in this session. */
export function enrolmentInProgress(req: Request, aidantId: number): string | null {
  const e = req.session.enrolment;
  return e?.aidantId === aidantId && e.sealed ? unseal('session.enrolment', e.sealed) : null;
}

export function clearPendingSecret(req: Request): void {
  delete req.session.enrolment;
}

export async function qrCodeDataUrl(email: string, secret: string): Promise<string> {
  const uri = generateURI({ issuer: 'Aidants Connect', label: email, secret });
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
