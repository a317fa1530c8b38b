// `node dist/cli/usage-dead-letters.js list|replay|drop [ID…]` (REDIS_URL or REDIS_SENTINELS, REDIS_PASSWORD): the usage
// records Postgres refused, set aside by the flushers. Replay puts them back on the usage
// stream once the cause is fixed; drop discards them.
import { createDeadLetters } from '../features/usage/usage-dead-letters.js';
import { loadRedisConfig } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { createRedis } from '../infra/redis.js';

const [command = 'list', ...ids] = process.argv.slice(2);
// REDIS_URL or REDIS_SENTINELS (and REDIS_PASSWORD, or its _FILE) as the backends read them.
const redis = createRedis(loadRedisConfig(), createLogger({ logLevel: 'silent', instanceId: 'usage-dead-letters' }), 'usage-dead-letters');
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
