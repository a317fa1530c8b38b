// `node dist/cli/usage-dead-letters.js list|replay|drop [ID…]` (REDIS_URL, REDIS_PASSWORD): the usage
// records Postgres refused, set aside by the flushers. Replay puts them back on the usage
// stream once the cause is fixed; drop discards them.
import { Redis } from 'ioredis';
import { createDeadLetters } from '../features/usage/usage-dead-letters.js';
import { loadRedisUrl } from '../infra/config.js';

const [command = 'list', ...ids] = process.argv.slice(2);
// REDIS_URL (and REDIS_PASSWORD, or its _FILE) as the backends read them.
const redis = new Redis(loadRedisUrl(), { maxRetriesPerRequest: 1 });
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
