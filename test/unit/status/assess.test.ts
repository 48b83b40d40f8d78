import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessRoom, span, subscriptionState, type RoomFacts } from '../../../shared/status/assess';
import type { RoomStatusRecord, SubscriptionRecord } from '../../../shared/store';

const NOW = new Date('2026-03-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const subscription = (leftMs: number, id = 'sub-1'): SubscriptionRecord => ({
  id,
  room: 'room.alpha@contoso.com',
  expiresAt: new Date(NOW.getTime() + leftMs).toISOString(),
  clientState: 'secret-client-state',
  createdAt: ago(HOUR),
});

const status = (overrides: Partial<RoomStatusRecord> = {}): RoomStatusRecord => ({
  room: 'room.alpha@contoso.com',
  lastSync: { at: ago(2 * MIN), kind: 'graphChange', correlationId: 'c-1' },
  lastSweep: null,
  lastChange: null,
  errors: 0,
  failuresSinceSync: 0,
  lastError: null,
  subjectStripped: null,
  subjectKeptAt: null,
  declines: 0,
  lastDecline: null,
  bookingWindowDeclines: 0,
  lastBookingWindowDecline: null,
  ...overrides,
});

/** A healthy room: a live subscription, synced two minutes ago. */
const facts = (overrides: Partial<RoomFacts> = {}): RoomFacts => ({
  room: {
    email: 'room.alpha@contoso.com',
    workplaceRoomId: 'wp-alpha',
    displayName: 'Room Alpha',
    timeZone: 'Europe/Brussels',
    registeredAt: ago(DAY),
  },
  status: status(),
  subscriptions: [subscription(60 * HOUR)],
  conflicts: [],
  poison: [],
  waiting: { count: 0, oldestInsertedAt: null },
  ...overrides,
});

const texts = (f: RoomFacts) => assessRoom(f, NOW).problems.map((p) => `${p.level} ${p.area}`);

describe('subscriptionState', () => {
  it('missing, expired, expiring within the hour, renewal overdue (under 23 h), ok', () => {
    assert.equal(subscriptionState([], NOW).state, 'missing');
    assert.equal(subscriptionState([subscription(-MIN)], NOW).state, 'expired');
    assert.equal(subscriptionState([subscription(30 * MIN)], NOW).state, 'expiring');
    assert.equal(subscriptionState([subscription(20 * HOUR)], NOW).state, 'renewalOverdue');
    assert.equal(subscriptionState([subscription(23.5 * HOUR)], NOW).state, 'ok');
    const two = subscriptionState([subscription(-HOUR, 'old'), subscription(60 * HOUR, 'new')], NOW);
    assert.deepEqual([two.state, two.current?.id, two.live], ['ok', 'new', 1]);
  });
});

describe('assessRoom', () => {
  it('a healthy room has no problems', () => {
    const assessed = assessRoom(facts(), NOW);
    assert.equal(assessed.level, 'ok');
    assert.deepEqual(assessed.problems, []);
    assert.equal(assessed.lastSyncAt, ago(2 * MIN));
  });

  it('subscription: missing or expired is an error, overdue renewal or two live ones a warning', () => {
    assert.deepEqual(texts(facts({ subscriptions: [] })), ['error subscription']);
    assert.deepEqual(texts(facts({ subscriptions: [subscription(-MIN)] })), ['error subscription']);
    assert.deepEqual(texts(facts({ subscriptions: [subscription(5 * HOUR)] })), ['warn subscription']);
    assert.deepEqual(
      texts(facts({ subscriptions: [subscription(60 * HOUR), subscription(50 * HOUR, 'b')] })),
      ['warn subscription'],
    );
    const lifecycle = facts({
      poison: [{ queue: 'subscription-events', insertedOn: ago(MIN), lifecycle: 'reauthorizationRequired' }],
    });
    assert.deepEqual(texts(lifecycle), ['error subscription']);
  });

  it('a room quiet for longer than three sweeps has stopped syncing', () => {
    const quiet = facts({
      status: status({ lastSync: { at: ago(50 * MIN), kind: 'reconcile', correlationId: 'c' } }),
    });
    assert.deepEqual(texts(quiet), ['error sync']);
    const fresh = facts({ status: undefined });
    fresh.room.registeredAt = ago(MIN);
    assert.deepEqual(texts(fresh), [], 'just registered');
    fresh.room.registeredAt = ago(HOUR);
    assert.deepEqual(texts(fresh), ['warn sync']);
  });

  it('failing: a failure newer than the last success is an error; one followed by a success is not', () => {
    const lastError = {
      at: ago(MIN),
      kind: 'graphChange',
      reason: 'GraphFailure: 500',
      correlationId: 'c-2',
    };
    assert.deepEqual(texts(facts({ status: status({ errors: 3, failuresSinceSync: 2, lastError }) })), [
      'error errors',
    ]);
    const recovered = status({
      errors: 3,
      failuresSinceSync: 0,
      lastError: { ...lastError, at: ago(5 * MIN) },
    });
    assert.deepEqual(texts(facts({ status: recovered })), []);
  });

  it('withheld removals of the sweep are an error naming the confirmation', () => {
    const assessed = assessRoom(
      facts({
        deltaState: {
          room: 'room.alpha@contoso.com',
          deltaLink: 'x',
          windowStart: ago(DAY),
          windowEnd: ago(-DAY),
          withheldRemovals: 7,
          updatedAt: ago(MIN),
        },
      }),
      NOW,
    );
    assert.equal(assessed.level, 'error');
    assert.match(assessed.problems[0]?.text ?? '', /withheld 7 removals.*confirmRemovals=true/);
  });

  it('lag: a slow last change or old waiting work is a warning', () => {
    const slow = status({
      lastChange: { at: ago(MIN), correlationId: 'c', lagMs: 3 * MIN, lagFrom: 'queued' },
    });
    assert.deepEqual(texts(facts({ status: slow })), ['warn lag']);
    assert.deepEqual(texts(facts({ waiting: { count: 2, oldestInsertedAt: ago(6 * MIN) } })), ['warn lag']);
  });

  it('conflicts and not-synced bookings warn; poison is an error', () => {
    const conflict = {
      room: 'room.alpha@contoso.com',
      at: ago(MIN),
      reason: 'bothChanged',
      linkId: 'l',
      reservationId: 'r',
      eventId: null,
      summary: 's',
    };
    const assessed = assessRoom(
      facts({ conflicts: [conflict, { ...conflict, reason: 'unsupportedRecurrence' }] }),
      NOW,
    );
    assert.deepEqual(
      assessed.problems.map((p) => p.level),
      ['warn', 'warn'],
    );
    assert.equal(assessed.conflicts.length, 1);
    assert.equal(assessed.notSynced.length, 1);
    assert.deepEqual(texts(facts({ poison: [{ queue: 'sync-changes', insertedOn: ago(MIN) }] })), [
      'error poison',
    ]);
  });

  it('subjects replaced is an error until a later copy keeps its subject; prefixed warns', () => {
    const replaced = status({ subjectStripped: { at: ago(5 * MIN), how: 'replaced', correlationId: 'c' } });
    assert.deepEqual(texts(facts({ status: replaced })), ['error mailbox']);
    assert.equal(assessRoom(facts({ status: replaced }), NOW).strippingSubjects, 'replaced');
    const fixed = { ...replaced, subjectKeptAt: ago(MIN) };
    assert.deepEqual(texts(facts({ status: fixed })), []);
    const prefixed = status({ subjectStripped: { at: ago(MIN), how: 'prefixed', correlationId: 'c' } });
    assert.deepEqual(texts(facts({ status: prefixed })), ['warn mailbox']);
  });

  it('booking-window declines warn for 30 days after the last one', () => {
    const decline = {
      at: ago(DAY),
      correlationId: 'c',
      startsAt: '2026-10-01T08:00:00.000Z',
      startsInDays: 213,
      bookingWindow: true,
    };
    const recent = status({
      declines: 1,
      lastDecline: decline,
      bookingWindowDeclines: 1,
      lastBookingWindowDecline: decline,
    });
    const found = assessRoom(facts({ status: recent }), NOW).problems;
    assert.deepEqual(
      found.map((p) => `${p.level} ${p.area}`),
      ['warn mailbox'],
    );
    assert.match(found[0]?.text ?? '', /more than 180 days ahead: probably its booking window/);
    const old = { ...decline, at: ago(31 * DAY) };
    assert.deepEqual(texts(facts({ status: { ...recent, lastBookingWindowDecline: old } })), []);
  });
});

describe('span', () => {
  it('reads at a glance', () => {
    assert.deepEqual(
      [
        span(1500),
        span(42_000),
        span(5 * MIN + 3000),
        span(2 * HOUR + 5 * MIN),
        span(3 * DAY + 4 * HOUR),
        span(-2 * HOUR),
      ],
      ['1.5 s', '42 s', '5 min', '2 h 5 min', '3 d 4 h', '2 h'],
    );
  });
});
