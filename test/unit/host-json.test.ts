import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseHostJson, parseTimeSpan } from '../../local/host/host-json';

describe('parseTimeSpan', () => {
  it('reads .NET TimeSpan strings', () => {
    assert.equal(parseTimeSpan('00:00:02'), 2000);
    assert.equal(parseTimeSpan('00:00:00.500'), 500);
    assert.equal(parseTimeSpan('01:02:03'), 3_723_000);
    assert.equal(parseTimeSpan('1.00:00:00'), 86_400_000);
  });
  it('refuses anything else', () => {
    assert.throws(() => parseTimeSpan('2s'), /not a TimeSpan/);
    assert.throws(() => parseTimeSpan('00:61:00'), /not a TimeSpan/);
  });
});

describe('parseHostJson', () => {
  it("fills in the Functions host's defaults", () => {
    const settings = parseHostJson({ version: '2.0' });
    assert.equal(settings.routePrefix, 'api');
    assert.equal(settings.queues.batchSize, 16);
    assert.equal(settings.queues.maxDequeueCount, 5);
    assert.equal(settings.queues.maxPollingIntervalMs, 60_000);
    assert.equal(settings.queues.visibilityTimeoutMs, 0);
    assert.equal(settings.queues.messageEncoding, 'base64');
  });

  it("reads the project's host.json", () => {
    const file = path.join(__dirname, '..', '..', 'host.json');
    const settings = parseHostJson(JSON.parse(readFileSync(file, 'utf8')));
    assert.deepEqual(settings.queues, {
      maxPollingIntervalMs: 500,
      visibilityTimeoutMs: 10_000,
      batchSize: 8,
      newBatchThreshold: 4,
      maxDequeueCount: 5,
      messageEncoding: 'base64',
    });
  });

  it('names each invalid field', () => {
    assert.throws(
      () =>
        parseHostJson({
          version: '2.0',
          extensions: { queues: { batchSize: 64, visibilityTimeout: 'soon' } },
        }),
      (err: Error) =>
        /extensions\.queues\.batchSize/.test(err.message) &&
        /extensions\.queues\.visibilityTimeout/.test(err.message),
    );
    assert.throws(() => parseHostJson({ version: '1.0' }), /version/);
  });
});
