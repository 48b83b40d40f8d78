import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeMessageText, toHandlerInput } from '../../local/host/queue-trigger';
import { encodeQueueMessage } from '../../shared/queue/encoding';

describe('queue message encoding', () => {
  it('whatever a producer enqueues reaches the handler unchanged (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        const delivered = toHandlerInput(decodeMessageText(encodeQueueMessage(payload), 'base64'));
        // JSON round trip normalises -0 to 0, as it does on the real host.
        assert.deepEqual(delivered, JSON.parse(JSON.stringify(payload)));
      }),
    );
  });

  it('refuses text that is not base64 when the encoding is base64', () => {
    assert.throws(() => decodeMessageText('{"a":1}', 'base64'), /not valid base64/);
    assert.throws(() => decodeMessageText('abc', 'base64'), /not valid base64/);
    assert.equal(decodeMessageText('{"a":1}', 'none'), '{"a":1}');
  });

  it('hands plain text that is not JSON over as a string', () => {
    assert.equal(toHandlerInput('hello'), 'hello');
  });
});
