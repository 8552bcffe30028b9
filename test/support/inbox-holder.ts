// An instance reduced to its inbox, run as a child process by the crash tests: it stores the updates
// given as JSON on the command line, holds them (handlers that never end, leases renewed), says "held"
// and waits to be killed. Usage: node --import tsx inbox-holder.ts <database url> '<updates json>'
import type { Update } from 'grammy/types';
import { UpdateDispatcher } from '../../bot/updates/dispatcher.ts';
import { createDb } from '../../core/db/client.ts';
import { createLogger } from '../../core/logger.ts';
import { inboxRepository } from '../../core/repositories/inbox-repository.ts';

const [url, json] = process.argv.slice(2);
if (!url || !json) throw new Error('usage: inbox-holder.ts <database url> <updates json>');
const db = createDb(url, 2);
const dispatcher = new UpdateDispatcher(
  () => new Promise<void>(() => {}),
  inboxRepository(db),
  createLogger('silent'),
);
for (const u of JSON.parse(json) as Update[]) await dispatcher.accept(u);
process.stdout.write('held\n');
// the lease renewal's timer does not keep a process alive; this does, until the kill
setInterval(() => {}, 60_000);
