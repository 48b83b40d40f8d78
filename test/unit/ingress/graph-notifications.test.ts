import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  acceptGraphNotifications,
  MAX_NOTIFICATIONS_PER_REQUEST,
  type NotificationDeps,
} from '../../../shared/ingress/graph-notifications';
import { cachedSubscriptions } from '../../../shared/ingress/subscription-cache';
import type { SubscriptionMessage, SyncMessage } from '../../../shared/queue/messages';
import { createLogger } from '../../../shared/telemetry/logger';

const KNOWN = { 'sub-a': 'room.alpha@contoso.com', 'sub-b': 'room.beta@contoso.com' } as const;
const SECRET = 'the-client-state';

function harness() {
  const reads: string[] = [];
  const sync: SyncMessage[] = [];
  const lifecycle: SubscriptionMessage[] = [];
  const logs: Record<string, unknown>[] = [];
  const deps: NotificationDeps = {
    subscription: (id) => {
      reads.push(id);
      const room = (KNOWN as Record<string, string | undefined>)[id];
      return Promise.resolve(room ? { room, clientState: SECRET } : undefined);
    },
    enqueueSync: (m) => (sync.push(m), Promise.resolve()),
    enqueueSubscription: (m) => (lifecycle.push(m), Promise.resolve()),
    logger: createLogger({
      level: 'debug',
      write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
    }),
    correlationId: 'corr-1',
  };
  return { deps, reads, sync, lifecycle, logs };
}

const change = (subscriptionId: string, id: string, clientState = SECRET) => ({
  subscriptionId,
  clientState,
  changeType: 'updated',
  resourceData: { id },
});

describe('Graph notification intake: what a request costs', () => {
  it('looks each distinct subscription up once and logs one line for the request, with counts', async () => {
    const { deps, reads, sync, logs } = harness();
    const value = [
      ...Array.from({ length: 500 }, (_, i) => change(`forged-${String(i % 50)}`, `AAMk${String(i)}`)),
      change('sub-a', 'AAMk-real'),
      change('sub-a', 'AAMk-forged', 'not-the-secret'),
      { subscriptionId: 42 },
    ];
    const outcome = await acceptGraphNotifications({ value }, deps);
    assert.deepEqual(outcome, {
      status: 202,
      accepted: 1,
      dropped: 502,
      queued: { changes: 1, lifecycle: 0 },
    });
    assert.equal(reads.length, 51, 'fifty forged ids and one real one, each read once');
    assert.equal(new Set(reads).size, 51);
    assert.deepEqual(
      sync.map((m) => (m.kind === 'graphChange' ? m.eventId : '')),
      ['AAMk-real'],
    );
    assert.equal(logs.length, 1, 'one line for the whole request');
    const line = logs[0] ?? {};
    assert.equal(line.level, 'warn');
    assert.deepEqual(line.dropped, { malformed: 1, unknownSubscription: 500, unverified: 1, noChange: 0 });
    assert.equal((line.unknownSubscriptionIds as string[]).length, 5, 'a sample of the ids, not all');
    assert.deepEqual(line.unverifiedSubscriptionIds, ['sub-a']);
    assert.ok(!JSON.stringify(logs).includes('not-the-secret'));
  });

  it(`refuses a request of more than ${String(MAX_NOTIFICATIONS_PER_REQUEST)} items with 413 before any lookup`, async () => {
    const { deps, reads, sync, logs } = harness();
    const value = Array.from({ length: MAX_NOTIFICATIONS_PER_REQUEST + 1 }, (_, i) =>
      change('sub-a', `AAMk${String(i)}`),
    );
    const outcome = await acceptGraphNotifications({ value }, deps);
    assert.ok(outcome.status === 413);
    assert.match(outcome.error, /at most 1000 notifications per request; this one holds 1001/);
    assert.deepEqual(reads, []);
    assert.deepEqual(sync, []);
    assert.equal(logs.length, 1);
    // The bound itself is accepted.
    const at = await acceptGraphNotifications({ value: value.slice(1) }, deps);
    assert.equal(at.status, 202);
    assert.equal(sync.length, MAX_NOTIFICATIONS_PER_REQUEST);
  });

  it('makes one resync of fifty `missed` events of a room, and one per room and event otherwise', async () => {
    const { deps, lifecycle } = harness();
    const event = (subscriptionId: string, lifecycleEvent: string) => ({
      subscriptionId,
      clientState: SECRET,
      lifecycleEvent,
    });
    const outcome = await acceptGraphNotifications(
      {
        value: [
          ...Array.from({ length: 50 }, () => event('sub-a', 'missed')),
          event('sub-b', 'missed'),
          event('sub-a', 'reauthorizationRequired'),
          event('sub-a', 'reauthorizationRequired'),
          event('sub-b', 'subscriptionRemoved'),
        ],
      },
      deps,
    );
    assert.equal(outcome.status === 202 ? outcome.accepted : -1, 54);
    assert.deepEqual(
      lifecycle.map((m) => (m.kind === 'lifecycle' ? `${m.event} ${m.subscriptionId}` : '')).sort(),
      ['missed sub-a', 'missed sub-b', 'reauthorizationRequired sub-a', 'subscriptionRemoved sub-b'],
    );
  });

  it('drops items whose ids cannot be ids (lone surrogates, control characters, dots, huge) without a lookup', async () => {
    const { deps, reads, sync } = harness();
    const outcome = await acceptGraphNotifications(
      {
        value: [
          change('\uD800', 'AAMk1'),
          change('sub-a', 'AAMk\uDC00'),
          change('sub-a', '..'),
          change('sub-a', '.'),
          change('sub-a', 'AAMk\u0000'),
          change('sub-a', `AAMk${'x'.repeat(600)}`),
          change('x'.repeat(200), 'AAMk1'),
          change('sub a', 'AAMk1'),
        ],
      },
      deps,
    );
    assert.deepEqual(outcome, { status: 202, accepted: 0, dropped: 8, queued: { changes: 0, lifecycle: 0 } });
    assert.deepEqual(reads, []);
    assert.deepEqual(sync, []);
  });

  it('with the cache, a repeated request of made-up ids reads none of them again for a while', async () => {
    let clock = 0;
    const reads: string[] = [];
    const lookup = cachedSubscriptions(
      (id) => {
        reads.push(id);
        return Promise.resolve(undefined);
      },
      { unknownTtlMs: 30_000, now: () => clock },
    );
    const { deps } = harness();
    deps.subscription = lookup;
    const value = Array.from({ length: 200 }, (_, i) => change(`forged-${String(i)}`, 'AAMk1'));
    await acceptGraphNotifications({ value }, deps);
    assert.equal(reads.length, 200);
    clock = 29_999;
    await acceptGraphNotifications({ value }, deps);
    assert.equal(reads.length, 200);
    clock = 30_000;
    await acceptGraphNotifications({ value }, deps);
    assert.equal(reads.length, 400);
  });
});
