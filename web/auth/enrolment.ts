// Enrolling an authenticator app: a secret kept in the session until the first code confirms it, shown as
// a QR code of its otpauth URI.
import type { Request } from 'express';
import { generateSecret, generateURI } from 'otplib';
import QRCode from 'qrcode';

declare module 'express-session' {
  interface SessionData {
    enrolment?: { aidantId: number; secret: string };
  }
}

export function pendingSecret(req: Request, aidantId: number): string {
  if (req.session.enrolment?.aidantId !== aidantId) req.session.enrolment = { aidantId, secret: generateSecret() };
  return req.session.enrolment.secret;
}

export function clearPendingSecret(req: Request): void {
  delete req.session.enrolment;
}

export async function qrCodeDataUrl(email: string, secret: string): Promise<string> {
  const uri = generateURI({ issuer: 'Aidants Connect', label: email, secret });
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
