import nodemailer, { type Transporter } from 'nodemailer';
import type { ChannelSender, SendOutcome } from './channel.ts';

/**
 * Email through the operator's SMTP server (SMTP_URL, SMTP_FROM) with nodemailer. A 5xx reply
 * (mailbox unknown, relaying denied) is permanent; a 4xx reply or a connection failure is retried.
 * Reasons never repeat the SMTP URL (it carries the password).
 */
export function emailSender(options: {
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}): ChannelSender<'email'> & { close(): void } {
  let transport: Transporter | undefined;
  const transporter = () =>
    (transport ??= nodemailer.createTransport(options.smtpUrl, {
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    }));
  return {
    kind: 'email',
    async send(target, message): Promise<SendOutcome> {
      try {
        await transporter().sendMail({
          from: options.from,
          to: target.address,
          subject: message.title,
          text: message.link ? `${message.text}\n\n${message.link}` : message.text,
          headers: { 'X-TradingBot-Delivery': message.id },
        });
        return { ok: true };
      } catch (error) {
        const code = (error as { responseCode?: unknown }).responseCode;
        if (typeof code === 'number' && code >= 500) {
          return {
            ok: false,
            permanent: true,
            reason: `the mail server refused the message (SMTP ${code}): check the address`,
          };
        }
        return {
          ok: false,
          permanent: false,
          reason:
            typeof code === 'number'
              ? `the mail server answered SMTP ${code}`
              : 'the mail server could not be reached',
        };
      }
    },
    close() {
      transport?.close();
      transport = undefined;
    },
  };
}
