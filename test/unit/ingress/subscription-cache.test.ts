import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cachedSubscriptions, type SubscriptionFacts } from '../../../shared/ingress/subscription-cache';

describe('cachedSubscriptions', () => {
  const facts: SubscriptionFacts = { room: 'room.alpha@contoso.com', clientState: 'secret' };
  const counting = (answer: () => SubscriptionFacts | undefined) => {
    const reads: string[] = [];
    return { reads, read: (id: string) => (reads.push(id), Promise.resolve(answer())) };
  };

  it('reads a subscription once within the TTL, then again', async () => {
    let clock = 0;
    const source = counting(() => facts);
    const lookup = cachedSubscriptions(source.read, { ttlMs: 1000, now: () => clock });
    assert.deepEqual(await lookup('s1'), facts);
    clock = 999;
    assert.deepEqual(await lookup('s1'), facts);
    assert.equal(source.reads.length, 1);
    clock = 1000;
    await lookup('s1');
    assert.equal(source.reads.length, 2);
  });

  it('remembers an unknown id for unknownTtlMs only: a subscription saved meanwhile is found after it', async () => {
    let clock = 0;
    let saved = false;
    const source = counting(() => (saved ? facts : undefined));
    const lookup = cachedSubscriptions(source.read, { unknownTtlMs: 1000, now: () => clock });
    assert.equal(await lookup('new'), undefined);
    saved = true;
    clock = 999;
    assert.equal(await lookup('new'), undefined);
    assert.equal(source.reads.length, 1, 'the unknown id was not read again within its TTL');
    clock = 1000;
    assert.deepEqual(await lookup('new'), facts);
    assert.equal(source.reads.length, 2);
  });

  it('keeps at most maxUnknown unknown ids, dropping the oldest', async () => {
    const source = counting(() => undefined);
    const lookup = cachedSubscriptions(source.read, { maxUnknown: 2 });
    for (const id of ['a', 'b', 'c', 'b', 'c']) await lookup(id);
    assert.deepEqual(source.reads, ['a', 'b', 'c']);
    await lookup('a');
    assert.deepEqual(source.reads, ['a', 'b', 'c', 'a']);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const source = counting(() => facts);
    const lookup = cachedSubscriptions(source.read, { maxEntries: 2 });
    await lookup('a');
    await lookup('b');
    await lookup('c');
    await lookup('b');
    assert.deepEqual(source.reads, ['a', 'b', 'c']);
    await lookup('a');
    assert.deepEqual(source.reads, ['a', 'b', 'c', 'a']);
  });
});
