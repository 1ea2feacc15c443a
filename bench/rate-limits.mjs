// The rate limiter's cost: the GET and PUT scenarios again, against a second service process on the same database
// with limits on (counted in Redis when REDIS_URL is set, else in the process), at a limit this load never reaches.
import { randomBytes } from 'node:crypto';
import { startService } from './processes.mjs';
import { scenario } from './scenarios.mjs';

// 10,000,000 per 10-second window: no request is refused, every one is counted.
const LIMIT_PER_MINUTE = 60_000_000;
const MEASURED = ['service GET /contacts/{id}', 'service PUT /contacts/{id}'];

export async function benchRateLimits({ databaseUrl, token, scenarios, measure }) {
  const store = process.env.REDIS_URL ? 'Redis' : 'in memory';
  const service = await startService({
    databaseUrl,
    token,
    logPath: new URL('./results/service-rate-limited.log', import.meta.url).pathname,
    // A key prefix of this run's own, so that runs sharing a Redis never share a budget.
    env: { RATE_LIMIT_PER_MINUTE: String(LIMIT_PER_MINUTE), REDIS_KEY_PREFIX: `bench-${randomBytes(4).toString('hex')}:` },
  });
  try {
    const probe = await fetch(`${service.url}/admins`, { headers: { authorization: `Bearer ${token}` } });
    if (!probe.headers.get('x-ratelimit-limit')) throw new Error('the rate-limited service answered without X-RateLimit-Limit: limits are not on');
    for (const name of MEASURED) {
      const off = scenarios.find((s) => s.name === name);
      await measure(scenario(`${name}, rate limits on (${store})`, off.options, { target: service, compareWith: name, countEvents: off.countEvents }));
    }
  } finally {
    await service.stop();
  }
}
