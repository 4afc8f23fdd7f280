import type { Context } from './context';
import type { OutboxMessage } from './store';

/** "Sends" a message: into the outbox (readable at `GET /_local/outbox`) and onto the console. */
export function sendMessage(ctx: Context, message: Omit<OutboxMessage, 'sentAt'>): void {
  const sentAt = new Date().toISOString();
  ctx.store.addMessage({ ...message, sentAt });
  ctx.log(`[local-aws] outbox: ${message.kind} to ${message.to}: code ${message.code}`);
}
