import { IntercomError } from '@app/intercom';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, asDatabaseUnavailable } from './database-unavailable.js';

/** An error shaped as pg raises it: a message, and a SQLSTATE or socket code where there is one. */
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('asDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', pgError('read ECONNRESET', 'ECONNRESET')],
    ['a connect that timed out at the socket', pgError('connect ETIMEDOUT 10.0.0.1:5432', 'ETIMEDOUT')],
    ["pg-pool's full pool", pgError('timeout exceeded when trying to connect')],
    ["pg-pool's slow new connection", pgError('Connection terminated due to connection timeout')],
    ['a session dropped mid-query', pgError('Connection terminated unexpectedly')],
    ['a client that already failed', pgError('Client has encountered a connection error and is not queryable')],
    ['class 08: connection failure', pgError('connection failure', '08006')],
    ['class 53: too many connections', pgError('sorry, too many clients already', '53300')],
    ['57P01: admin shutdown', pgError('terminating connection due to administrator command', '57P01')],
    ['57P02: crash shutdown', pgError('terminating connection because of crash of another server process', '57P02')],
    ['57P03: starting up', pgError('the database system is starting up', '57P03')],
    ['55P03: a lock not granted in time', pgError('canceling statement due to lock timeout', '55P03')],
    ['40P01: a deadlock the server broke', pgError('deadlock detected', '40P01')],
    ['40001: a serialization failure', pgError('could not serialize access due to concurrent update', '40001')],
  ])('answers 503 with Retry-After for %s', (_, error) => {
    const mapped = asDatabaseUnavailable(error);
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError);
    expect(mapped).toMatchObject({ code: 'service_unavailable', status: 503, message: 'The database is not answering', headers: { 'Retry-After': '1' } });
  });

  it('says a statement timeout (57014) took too long', () => {
    expect(asDatabaseUnavailable(pgError('canceling statement due to statement timeout', '57014'))).toMatchObject({
      status: 503,
      message: 'The database took too long to answer',
      headers: { 'Retry-After': '1' },
    });
  });

  it('finds the cause of a wrapped error and of a connect that tried several addresses', () => {
    expect(asDatabaseUnavailable(new Error('load failed', { cause: pgError('Connection terminated unexpectedly') }))?.status).toBe(503);
    expect(asDatabaseUnavailable(new AggregateError([pgError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], 'connect failed'))?.status).toBe(503);
  });

  it.each([
    ['a unique violation', pgError('duplicate key value violates unique constraint', '23505')],
    ['a data exception', pgError('invalid input syntax for type integer', '22P02')],
    ['a syntax error (a bug)', pgError('syntax error at or near "FORM"', '42601')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['an Intercom error', new IntercomError('not_found', 404, 'Resource Not Found')],
    ['a string', 'Connection terminated'],
    ['nothing', undefined],
  ])('leaves %s alone', (_, error) => {
    expect(asDatabaseUnavailable(error)).toBeUndefined();
  });

  it('does not loop on a cause that refers to itself', () => {
    const error: Error & { cause?: unknown } = new Error('odd');
    error.cause = error;
    expect(asDatabaseUnavailable(error)).toBeUndefined();
  });
});
