import type { Context } from './context';
import type { OutboxMessage } from './store';

/** "Sends" a message: into the outbox (readable at `GET /_local/outbox`); the log says only that one went. */
export function sendMessage(ctx: Context, message: Omit<OutboxMessage, 'sentAt'>): void {
  const sentAt = ctx.now().toISOString();
  ctx.store.addMessage({ ...message, sentAt });
  ctx.log({ level: 'info', event: 'message_sent', kind: message.kind, to: message.to });
}
