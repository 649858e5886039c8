// Enrolling an authenticator app: a secret kept in the session until the first code confirms it, shown as
// a QR code of its otpauth URI.
import type { Request } from 'express';
import { generateSecret, generateURI } from 'otplib';
import QRCode from 'qrcode';
import { seal, unseal } from '../../db/secrets.ts';
import { de } from '../../db/domain/francais.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary, inputGroup } from '../ui/forms.ts';

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

export function enrolmentPage(opts: { csrf: string; action: string; who: string; qrSvgDataUrl: string; secret: string; error?: string; intro?: SafeHtml }): SafeHtml {
  return html`<h1>Configurer une application d’authentification</h1>
${opts.intro ?? ''}
${errorSummary(opts.error ? { code: opts.error } : {})}
<ol>
  <li>Installez une application d’authentification (par exemple FreeOTP, Aegis ou celle de votre téléphone professionnel).</li>
  <li>Scannez ce QR code avec l’application${opts.who ? ` ${de(opts.who)}` : ''}.</li>
  <li>Saisissez le code à 6 chiffres qu’elle affiche.</li>
</ol>
<img src="${opts.qrSvgDataUrl}" alt="QR code de configuration de l’application d’authentification" width="200" height="200">
<p>Impossible de scanner ? Saisissez cette clé dans l’application : <code>${opts.secret}</code></p>
<form method="post" action="${opts.action}" novalidate>${csrfField(opts.csrf)}
  ${inputGroup({ name: 'code', label: 'Code affiché par l’application', hint: '6 chiffres', inputmode: 'numeric', autocomplete: 'one-time-code', error: opts.error, maxlength: 7 })}
  <button class="fr-btn" type="submit">Valider</button>
</form>`;
}
