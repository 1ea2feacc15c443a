// node bench/seed-rate.mjs (after npm run build): the search seeder's rate alone, on a throwaway database.
// Env: DATABASE_URL (as for npm run bench), BENCH_SEED_CONTACTS (50000), BENCH_SEED_CONCURRENCY (search-seed.mjs').
import { randomBytes } from 'node:crypto';
import { cleanup } from './cleanup.mjs';
import { freshDatabase } from './database.mjs';
import { startService } from './processes.mjs';
import { SEED_CONCURRENCY, seedSearchWorkspace } from './search-seed.mjs';

const count = Number(process.env.BENCH_SEED_CONTACTS ?? 50_000);
const concurrency = Number(process.env.BENCH_SEED_CONCURRENCY ?? SEED_CONCURRENCY);
try {
  const database = await freshDatabase();
  const logPath = new URL('./results/service-seed-rate.log', import.meta.url).pathname;
  const service = await startService({ databaseUrl: database.url, token: randomBytes(16).toString('hex'), logPath });
  const seeded = await seedSearchWorkspace({ databaseUrl: database.url, serviceUrl: service.url, count, name: `bench-search-${count}`, concurrency });
  console.log(`bench: ${count} contacts, ${concurrency} appends in flight: ${seeded.seconds.toFixed(1)} s, ${Math.round(seeded.perSecond)}/s; VACUUM ANALYZE ${seeded.analyzeSeconds.toFixed(1)} s`);
} finally {
  await cleanup();
}
process.exit(0);
