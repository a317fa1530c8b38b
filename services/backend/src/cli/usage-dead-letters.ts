// `node dist/cli/usage-dead-letters.js list|replay|drop [ID…]` (REDIS_URL): the usage
// records Postgres refused, set aside by the flushers. Replay puts them back on the usage
// stream once the cause is fixed; drop discards them.
import { Redis } from 'ioredis';
import { createDeadLetters } from '../features/usage/usage-dead-letters.js';

const [command = 'list', ...ids] = process.argv.slice(2);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:16379', { maxRetriesPerRequest: 1 });
const letters = createDeadLetters(redis);
try {
  if (command === 'list') {
    const list = await letters.list();
    for (const l of list) console.log(JSON.stringify({ id: l.id, at: l.at, reason: l.reason, source: l.sourceId, fields: l.fields }));
    console.log(`${await letters.count()} dead letter(s)`);
  } else if (command === 'replay') {
    console.log(`replayed ${await letters.replay(ids.length ? ids : undefined)}`);
  } else if (command === 'drop') {
    console.log(`dropped ${await letters.drop(ids.length ? ids : undefined)}`);
  } else {
    console.error('usage: usage-dead-letters list | replay [ID…] | drop [ID…]');
    process.exitCode = 2;
  }
} finally {
  redis.disconnect();
}
