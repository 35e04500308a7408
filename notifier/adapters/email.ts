import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import nodemailer from 'nodemailer';
import { DeliveryError } from '../delivery-error.ts';
import { EmailMessage, readMessage } from '../outbox-payloads.ts';
import type { ChannelAdapter } from '../outbox-worker.ts';
import type { OutboxMessage } from '../schema/outbox-messages.ts';

export interface EmailAdapterOptions {
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}

interface SmtpError {
  responseCode?: number;
  code?: string;
  message: string;
}

/** E-mail through nodemailer over SMTP_URL. A 5xx reply is permanent; 4xx and connection errors retry. */
export function createEmailAdapter(options: EmailAdapterOptions): ChannelAdapter {
  const transport: Transporter = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  return {
    channel: 'email',
    async deliver(message: OutboxMessage) {
      const mail = readMessage(EmailMessage, message).payload;
      // The same Message-ID on every attempt lets a receiving server drop a duplicate after a lost reply.
      const messageId = `<${createHash('sha256').update(message.idempotencyKey).digest('hex').slice(0, 32)}@firebreak>`;
      try {
        const info = (await transport.sendMail({
          from: options.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          replyTo: mail.replyTo,
          messageId,
        })) as { messageId: string; accepted: unknown[]; rejected: unknown[]; response: string };
        if (info.accepted.length === 0) throw new DeliveryError(`every recipient was rejected: ${info.response}`, false);
        return {
          messageId: info.messageId,
          accepted: info.accepted.map(String),
          rejected: info.rejected.map(String),
          response: info.response,
        };
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        const smtp = error as SmtpError;
        const permanent = typeof smtp.responseCode === 'number' && smtp.responseCode >= 500;
        throw new DeliveryError(`SMTP: ${smtp.message}`, !permanent);
      }
    },
    async close() {
      transport.close();
    },
  };
}
