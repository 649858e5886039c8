// The mail port: nodemailer over SMTP (a local catcher in development and tests, real SMTP by env).
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable Message-ID derived from the idempotency key, so a receiving system can drop a duplicate. */
  messageId?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
}

export function smtpConfigFromEnv(env = process.env): SmtpConfig {
  return {
    host: env.SMTP_HOST ?? '127.0.0.1',
    port: Number(env.SMTP_PORT ?? 1025),
    secure: env.SMTP_SECURE === 'true',
    user: env.SMTP_USER || undefined,
    password: env.SMTP_PASSWORD || undefined,
    from: env.MAIL_FROM ?? 'Aidants Connect <ne-pas-repondre@aidantsconnect.beta.gouv.fr>',
  };
}

export function createSmtpMailer(config: SmtpConfig): Mailer & { transport: Transporter } {
  const local = config.host === '127.0.0.1' || config.host === 'localhost';
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ignoreTLS: local && !config.secure,
    auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
  });
  return {
    transport,
    async send(message) {
      const info = await transport.sendMail({
        from: config.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
      });
      return { messageId: info.messageId };
    },
  };
}
