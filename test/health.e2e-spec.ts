import { describe, expect, it } from 'vitest';
import { api } from './support/api.js';
import { UUID } from './support/shape.js';
import { startTestApp } from './support/test-app.js';

describe('GET /health', () => {
  it('answers 200 while the database answers, and 503 in the error envelope once it does not', async () => {
    const t = await startTestApp();
    const anonymous = api(t).as(null);
    expect((await anonymous.get('/health')).status).toBe(200);
    await t.pool.end();
    const res = await anonymous.get('/health');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      type: 'error.list',
      request_id: expect.stringMatching(UUID),
      errors: [{ code: 'service_unavailable', message: 'The database is not answering' }],
    });
    // The pool is already gone, so closing the app may complain about ending it twice.
    await t.close().catch(() => undefined);
  });
});
