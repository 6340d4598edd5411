// How a message leaves the platform. Iranian SMS providers (Kavenegar,
// SMS.ir, Melipayamak, ...) each get a small class implementing this; the
// development provider only records what it was given.
import type { Logger } from '../../platform/logger.ts';

export interface OutgoingMessage {
  /** The outbox dedupe key; providers that accept a client id get it, so a resend is dropped on their side too. */
  id: string;
  channel: string;
  recipient: string;
  body: string;
}

export interface NotificationProvider {
  name: string;
  /** Resolves once the provider accepted the message; throws on any failure. */
  send(message: OutgoingMessage): Promise<void>;
}

/** Records messages instead of sending them: development, demos and tests. */
export class RecordingProvider implements NotificationProvider {
  readonly name = 'recording';
  readonly sent: OutgoingMessage[] = [];
  constructor(private readonly logger?: Logger) {}

  async send(message: OutgoingMessage): Promise<void> {
    // Same id twice means our outbox retried after we accepted: keep one, like a real provider would.
    if (this.sent.some((earlier) => earlier.id === message.id)) return;
    this.sent.push(message);
    this.logger?.info({ channel: message.channel, recipient: message.recipient, id: message.id }, 'notification recorded (development provider)');
  }
}
