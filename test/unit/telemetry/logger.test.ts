import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../../shared/telemetry/logger';

describe('logger', () => {
  it('writes one JSON object per line with its context fields', () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l), fields: { room: 'r1' } })
      .child({ correlationId: 'c1' })
      .info('synced', { eventId: 'e1' });
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(entry.msg, 'synced');
    assert.equal(entry.level, 'info');
    assert.equal(entry.room, 'r1');
    assert.equal(entry.correlationId, 'c1');
    assert.equal(entry.eventId, 'e1');
  });

  it('masks credentials wherever they appear in the fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l) });
    logger.info('config', {
      config: { storage: { connectionString: 'AccountKey=abc' } },
      clientState: 'xyz',
      headers: { authorization: 'Bearer t' },
    });
    assert.ok(!/AccountKey=abc|xyz|Bearer t/.test(lines[0] ?? ''), lines[0]);
    assert.equal((lines[0]?.match(/\[redacted\]/g) ?? []).length, 3);
  });

  it('drops entries below its level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (l) => lines.push(l) });
    logger.info('quiet');
    logger.error('loud', { error: new Error('boom') });
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /"message":"boom"/);
  });
});
