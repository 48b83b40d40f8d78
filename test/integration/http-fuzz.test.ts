/**
 * Bad input at every HTTP entry point (issue 19, acceptance): the service's HTTP functions on the local
 * host with Azurite and both emulators, and a seeded stream of random and hostile requests, valid ones
 * mixed in: wrong methods and routes, missing and wrong keys, huge and chunked bodies, text that is not
 * JSON, JSON of any shape, deep nesting, lone UTF-16 surrogates, ids that walk paths, odd headers.
 *
 * Each request carries what it must get: a 4xx with a reason (JSON `error`, or a text body) from the
 * function, the host's bare 401/404 (a missing key, a route or method nothing serves, as Azure answers),
 * or the 2xx a valid request gets; never a 5xx. Each valid request also says what it queues; at the end
 * the queues must hold exactly that (nothing lost, nothing queued that should not be). No worker runs,
 * so what was queued stays there.
 *
 * ROOMSYNC_FUZZ_SEED and ROOMSYNC_FUZZ_RUNS replay a seed or run more (the default run takes seconds).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { loadStorageConfig } from '../../shared/config';
import { decodeMessageText } from '../../local/host/queue-trigger';
import { QUEUES } from '../../shared/queue/messages';
import { createStorageClients } from '../../shared/storage';
import { createStore } from '../../shared/store';
import { webhookSignature } from '../../shared/workplace';
import { FUNCTION_KEY } from '../helpers/host';
import { sendRaw, type RawRequest, type RawResponse } from '../helpers/raw-http';
import {
  addRoom,
  registerRoom,
  startServiceHost,
  WEBHOOK_SECRET,
  type ServiceHost,
} from '../helpers/service-host';

const SEED = Number(process.env['ROOMSYNC_FUZZ_SEED'] ?? 1913);
const RUNS = Number(process.env['ROOMSYNC_FUZZ_RUNS'] ?? 200);

const ROOM = 'room.alpha@contoso.com';
const WP_ROOM = 'wp-alpha';

/** What a request must get. */
type Expect =
  /** The function answers with this status and a reason. */
  | { kind: 'refused'; status: number[] }
  /** The host answers (no key, or nothing serves the route and method): Azure's bare status. */
  | { kind: 'host'; status: number[] }
  /** A valid request: this status; `body` checks what the answer says. */
  | { kind: 'ok'; status: number; body?: (res: RawResponse) => void };

interface Case {
  what: string;
  /** Built when sent: a webhook's signature carries the time. */
  request(): RawRequest;
  expect: Expect;
  /** What it queues, as `queue: description` (a valid request only). */
  queues?: (state: ModelState) => string[];
}

/** What the model remembers between requests: the Workplace deliveries already accepted. */
interface ModelState {
  deliveries: Set<string>;
}

interface World {
  subscriptionId: string;
  clientState: string;
}

const withKey = (headers: Record<string, string> = {}): Record<string, string> => ({
  'x-functions-key': FUNCTION_KEY,
  ...headers,
});
const json = { 'content-type': 'application/json' };

/** Strings a hostile caller sends where an id goes. */
const nastyId = fc.oneof(
  fc.constantFrom(
    '.',
    '..',
    '%2e%2e',
    '../../status',
    '..%2F..%2Fstatus',
    '\u0000',
    '\uD800',
    'x\uDFFFy',
    '\uFFFD',
    ' ',
    'a b',
    '<script>alert(1)</script>',
    "' or '1'='1",
    '${jndi:ldap://x}',
    '🎉',
    'é',
    'x'.repeat(600),
    'x'.repeat(5000),
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** An id safe for nothing: refused at ingress (printable ASCII only, not . or .., bounded). */
const unsafeId = fc.constantFrom(
  '.',
  '..',
  '\u0000x',
  '\uD800',
  'x\uDFFF',
  'a b',
  'é',
  '🎉',
  'x'.repeat(600),
);

/** A path segment as a hostile caller writes it into a URL (percent-encoded, or raw traversal). */
const nastySegment = fc.oneof(
  nastyId.map((id) => {
    try {
      return encodeURIComponent(id);
    } catch {
      return '%ED%A0%80'; // a lone surrogate's UTF-8 bytes: not decodable
    }
  }),
  fc.constantFrom('..', '.', '%2e%2e', '..%2f..%2fstatus', '%00', '%ED%A0%80', '%FF', '%', '%zz', 'a%2Fb'),
);

const oddHeaders = fc.dictionary(
  fc.constantFrom('x-forwarded-for', 'x-custom', 'accept', 'user-agent', 'x-ms-client-request-id', 'cookie'),
  fc.stringMatching(/^[\x20-\x7e]{0,64}$/),
  { maxKeys: 3 },
);

const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '',
);

const notJson = fc
  .oneof(
    fc.string({ maxLength: 200 }),
    fc.constantFrom('{', '{"value": [', '[1,]', "{'a':1}", 'NaN', '\uFEFF{}', '{"value": [}'),
  )
  .filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });

const deep = (open: string, close: string, depth: number): string => open.repeat(depth) + close.repeat(depth);

function graphCases(world: World): fc.Arbitrary<Case>[] {
  const post = (
    body: string | Buffer,
    headers: Record<string, string> = json,
    chunked = false,
  ): RawRequest => ({
    method: 'POST',
    path: '/api/graph/notifications',
    headers,
    body,
    chunked,
  });
  const accepted: Expect = { kind: 'ok', status: 202 };
  const change = fc.record({
    eventId: fc.integer({ min: 0, max: 30 }).map((n) => `AAMkAGI2-${String(n)}=`),
    changeType: fc.constantFrom('created', 'updated', 'deleted'),
  });
  const lifecycle = fc.constantFrom('missed', 'reauthorizationRequired', 'subscriptionRemoved');

  const valid = fc
    .record({
      changes: fc.array(change, { maxLength: 20 }),
      events: fc.array(lifecycle, { maxLength: 5 }),
      forged: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }),
    })
    .map(({ changes, events, forged }): Case => {
      const items = [
        ...changes.map((c) => ({
          subscriptionId: world.subscriptionId,
          clientState: world.clientState,
          changeType: c.changeType,
          resource: `Users/x/Events/${c.eventId}`,
          resourceData: { id: c.eventId, '@odata.etag': 'W/"ck"' },
        })),
        ...events.map((e) => ({
          subscriptionId: world.subscriptionId,
          clientState: world.clientState,
          lifecycleEvent: e,
        })),
        ...forged,
      ];
      return {
        what: `graph: ${String(changes.length)} changes, ${String(events.length)} lifecycle, ${String(forged.length)} forged`,
        request: () => post(JSON.stringify({ value: items })),
        expect: accepted,
        queues: () => [
          ...[...new Set(changes.map((c) => c.eventId))].map((id) => `sync: graphChange ${ROOM} ${id}`),
          ...[...new Set(events)].map((e) => `subscriptions: lifecycle ${e} ${world.subscriptionId}`),
        ],
      };
    });

  // Items that must all be dropped: unknown subscriptions, forged secrets, and the real credentials with
  // ids that cannot be ids or nothing to do.
  const droppedItem = fc.oneof(
    fc.record({
      subscriptionId: nastyId,
      clientState: fc.string(),
      changeType: fc.constant('created'),
      resourceData: fc.record({ id: fc.constant('AAMk1') }),
    }),
    fc.record({
      subscriptionId: fc.constant(world.subscriptionId),
      clientState: fc.string().filter((s) => s !== world.clientState),
      changeType: fc.constant('updated'),
      lifecycleEvent: fc.constantFrom(undefined, 'missed'),
      resourceData: fc.record({ id: fc.constant('AAMk1') }),
    }),
    fc.record({
      subscriptionId: fc.constant(world.subscriptionId),
      clientState: fc.constant(world.clientState),
      changeType: fc.constantFrom('updated', 'deleted'),
      resourceData: fc.record({ id: unsafeId }),
    }),
    fc.record({
      subscriptionId: fc.constant(world.subscriptionId),
      clientState: fc.constant(world.clientState),
      changeType: fc.string({ maxLength: 10 }).filter((t) => !['created', 'updated', 'deleted'].includes(t)),
      lifecycleEvent: fc
        .string({ maxLength: 10 })
        .filter((t) => !['missed', 'reauthorizationRequired', 'subscriptionRemoved'].includes(t)),
    }),
    fc.jsonValue({ maxDepth: 4 }),
  );

  return [
    valid,
    fc.array(droppedItem, { maxLength: 30 }).map((items): Case => ({
      what: `graph: ${String(items.length)} items to drop`,
      request: () => post(JSON.stringify({ value: items })),
      expect: accepted,
      queues: () => [],
    })),
    fc.jsonValue({ maxDepth: 5 }).map((value): Case => ({
      what: 'graph: any JSON',
      request: () => post(JSON.stringify(value)),
      // A { "value": [...] } of random items is a valid (empty-handed) collection.
      expect:
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Array.isArray((value as { value?: unknown }).value)
          ? accepted
          : { kind: 'refused', status: [400] },
      queues: () => [],
    })),
    fc.tuple(notJson, contentType).map(([text, type]): Case => ({
      what: 'graph: not JSON',
      request: () => post(text, type ? { 'content-type': type } : {}),
      expect: { kind: 'refused', status: [400] },
    })),
    fc
      .constantFrom(
        { what: 'graph: deep array', body: deep('[', ']', 200_000), expect: [400] },
        { what: 'graph: deep items', body: `{"value":[${deep('[', ']', 200_000)}]}`, expect: [202] },
        {
          what: 'graph: deep in an item',
          body: `{"value":[{"subscriptionId":${deep('[', ']', 100_000)}}]}`,
          expect: [202],
        },
        {
          what: 'graph: 1,001 items',
          body: JSON.stringify({ value: Array.from({ length: 1001 }, () => ({ subscriptionId: 'x' })) }),
          expect: [413],
        },
        { what: 'graph: over 1 MB', body: `{"value":["${'x'.repeat(1024 * 1024)}"]}`, expect: [413] },
        { what: 'graph: empty', body: '', expect: [400] },
        { what: 'graph: invalid UTF-8', body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), expect: [400] },
      )
      .chain((c) =>
        fc.boolean().map((chunked): Case => ({
          what: `${c.what}${chunked ? ', chunked' : ''}`,
          request: () => post(c.body, json, chunked),
          expect: c.expect[0] === 202 ? accepted : { kind: 'refused', status: [...c.expect] },
          queues: () => [],
        })),
      ),
    fc.string({ maxLength: 300 }).map((token): Case => ({
      what: 'graph: validation handshake',
      request: () => ({
        method: 'POST',
        path: `/api/graph/notifications?validationToken=${encodeURIComponent(token)}`,
      }),
      expect: {
        kind: 'ok',
        status: 200,
        body: (res) => {
          assert.match(String(res.headers['content-type']), /^text\/plain/);
          assert.equal(res.headers['x-content-type-options'], 'nosniff');
          assert.equal(res.body, token);
        },
      },
    })),
    fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS').map((method): Case => ({
      what: `graph: ${method}`,
      request: () => ({ method, path: '/api/graph/notifications' }),
      expect: { kind: 'host', status: [404] },
    })),
  ];
}

function webhookCases(): fc.Arbitrary<Case>[] {
  const post = (body: string, headers: Record<string, string>): RawRequest => ({
    method: 'POST',
    path: '/api/workplace/webhook',
    headers: { ...json, ...headers },
    body,
  });
  const signed = (body: string, secret = WEBHOOK_SECRET, skewSeconds = 0): Record<string, string> => {
    const timestamp = String(Math.floor(Date.now() / 1000) + skewSeconds);
    return {
      'x-workplace-timestamp': timestamp,
      'x-workplace-signature': webhookSignature(secret, timestamp, body),
    };
  };
  const refused401: Expect = { kind: 'refused', status: [401] };
  // A few deliveryIds recur, so repeats are sent too.
  const deliveryId = fc.oneof(fc.constantFrom(...Array.from({ length: 4 }, () => randomUUID())), fc.uuid());
  const event = fc.record({
    deliveryId,
    type: fc.constantFrom('reservation.created', 'reservation.updated', 'reservation.cancelled'),
    reservationId: fc.stringMatching(/^r-[a-z0-9]{1,12}$/),
    version: fc.integer({ min: 1, max: 1000 }),
    occurredAt: fc.constant('2026-11-25T10:00:00Z'),
  });
  const hostileEvent = fc.oneof(
    event.chain((e) => unsafeId.map((id) => ({ ...e, reservationId: id }))),
    event.chain((e) => unsafeId.map((id) => ({ ...e, deliveryId: id }))),
    event.map((e) => ({ ...e, version: 0 })),
    event.map((e) => ({ ...e, type: 'reservation.deleted' })),
    event.map((e) => ({ ...e, occurredAt: 'x'.repeat(100) })),
    fc.jsonValue({ maxDepth: 4 }),
  );
  return [
    event.map((e): Case => ({
      what: 'webhook: signed delivery',
      request: () => {
        const body = JSON.stringify(e);
        return post(body, signed(body));
      },
      expect: {
        kind: 'ok',
        status: 202,
      },
      queues: (state) => {
        if (state.deliveries.has(e.deliveryId)) return [];
        state.deliveries.add(e.deliveryId);
        return [`sync: workplaceChange ${e.reservationId} ${String(e.version)}`];
      },
    })),
    hostileEvent.map((e): Case => ({
      what: 'webhook: signed, not a reservation event',
      request: () => {
        const body = JSON.stringify(e);
        return post(body, signed(body));
      },
      expect: { kind: 'refused', status: [400] },
    })),
    notJson.map((text): Case => ({
      what: 'webhook: signed, not JSON',
      request: () => post(text, signed(text)),
      expect: { kind: 'refused', status: [400] },
    })),
    fc
      .tuple(event, fc.constantFrom<'secret' | 'stale' | 'future'>('secret', 'stale', 'future'))
      .map(([e, how]): Case => ({
        what: `webhook: ${how}`,
        request: () => {
          const body = JSON.stringify(e);
          return post(
            body,
            how === 'secret'
              ? signed(body, 'a-rotated-secret-0123456789')
              : signed(body, WEBHOOK_SECRET, how === 'stale' ? -600 : 600),
          );
        },
        expect: refused401,
      })),
    fc
      .tuple(event, oddHeaders, fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }))
      .map(([e, headers, signature, timestamp]): Case => ({
        what: 'webhook: odd headers',
        request: () => {
          const clean = (s: string): string => s.replace(/[^\x20-\x7e]/g, '');
          return post(JSON.stringify(e), {
            ...headers,
            ...(signature ? { 'x-workplace-signature': clean(signature) } : {}),
            ...(timestamp ? { 'x-workplace-timestamp': clean(timestamp) } : {}),
          });
        },
        expect: refused401,
      })),
    fc.constant<Case>({
      what: 'webhook: over 64 KB',
      request: () => {
        const body = JSON.stringify({ filler: 'x'.repeat(70 * 1024) });
        return post(body, signed(body));
      },
      expect: { kind: 'refused', status: [413] },
    }),
    fc.constantFrom('GET', 'PUT', 'DELETE').map((method): Case => ({
      what: `webhook: ${method}`,
      request: () => ({ method, path: '/api/workplace/webhook' }),
      expect: { kind: 'host', status: [404] },
    })),
  ];
}

function adminCases(): fc.Arbitrary<Case>[] {
  const notTheRoom = (segment: string): boolean => {
    try {
      return decodeURIComponent(segment).trim().toLowerCase().replace(/\/+$/, '') !== ROOM;
    } catch {
      return true;
    }
  };
  // `.` and `..` (also as %2e) are dot segments: the URL parser resolves them into another route before
  // any function sees the request, as a front end does. "no such route" sends those.
  const dotSegment = (segment: string): boolean =>
    ['.', '..'].includes(segment.toLowerCase().replace(/%2e/g, '.'));
  const hostileSegment = nastySegment.filter(
    (segment) => segment !== '' && notTheRoom(segment) && !dotSegment(segment),
  );
  const backfill = [`sync: backfill ${ROOM}`];
  const registration = fc.oneof(
    fc.record({ email: fc.emailAddress(), workplaceRoomId: fc.string({ minLength: 1, maxLength: 20 }) }),
    fc.record({ email: fc.constant(ROOM), workplaceRoomId: nastyId.filter((id) => id.trim() !== WP_ROOM) }),
    fc.record({ email: nastyId, workplaceRoomId: fc.constant(WP_ROOM) }),
    fc.record({ email: fc.constant(ROOM), workplaceRoomId: fc.constant(WP_ROOM), extra: fc.jsonValue() }),
    fc.jsonValue({ maxDepth: 4 }),
  );
  return [
    fc.constant<Case>({
      what: 'rooms: register the room again',
      request: () => ({
        method: 'POST',
        path: '/api/rooms',
        headers: withKey(json),
        body: JSON.stringify({ email: 'Room.Alpha@contoso.com', workplaceRoomId: WP_ROOM }),
      }),
      expect: { kind: 'ok', status: 200 },
      queues: () => backfill,
    }),
    registration.map((body): Case => ({
      what: 'rooms: a registration to refuse',
      request: () => ({
        method: 'POST',
        path: '/api/rooms',
        headers: withKey(json),
        body: JSON.stringify(body),
      }),
      expect: { kind: 'refused', status: [400, 404, 409] },
    })),
    fc
      .oneof(
        notJson,
        fc.constant(deep('[', ']', 100_000)),
        fc.constant(`{"email":"${'x'.repeat(20 * 1024)}"}`),
      )
      .map((text): Case => ({
        what: 'rooms: a body to refuse',
        request: () => ({ method: 'POST', path: '/api/rooms', headers: withKey(json), body: text }),
        expect: { kind: 'refused', status: [400, 413] },
      })),
    fc
      .constantFrom<[string, string]>(
        ['GET', '/api/rooms'],
        ['GET', `/api/rooms/${ROOM}`],
        ['GET', `/api/rooms/${encodeURIComponent(ROOM.toUpperCase())}`],
      )
      .map(([method, path]): Case => ({
        what: `rooms: ${method} ${path}`,
        request: () => ({ method, path, headers: withKey() }),
        expect: {
          kind: 'ok',
          status: 200,
          body: (res) => assert.ok(res.body.includes(ROOM)),
        },
      })),
    fc.tuple(fc.constantFrom('GET', 'DELETE'), hostileSegment).map(([method, segment]): Case => ({
      what: `rooms: ${method} a room that is not one`,
      request: () => ({ method, path: `/api/rooms/${segment}`, headers: withKey() }),
      // An undecodable segment matches no route (the host's 404); otherwise the function's 404.
      expect: { kind: 'refused', status: [400, 404] },
    })),
    fc.constant<Case>({
      what: 'rooms: resync the room',
      request: () => ({ method: 'POST', path: `/api/rooms/${ROOM}/resync`, headers: withKey() }),
      expect: { kind: 'ok', status: 202 },
      queues: () => backfill,
    }),
    fc.oneof(fc.constant('true'), fc.string({ maxLength: 10 })).map((confirm): Case => ({
      what: 'rooms: resync with confirmRemovals',
      request: () => ({
        method: 'POST',
        path: `/api/rooms/${ROOM}/resync?confirmRemovals=${encodeURIComponent(confirm)}`,
        headers: withKey(),
      }),
      // Nothing is withheld: true is a 409; false is an ordinary resync; anything else a 400.
      expect:
        confirm === 'false'
          ? { kind: 'ok', status: 202 }
          : { kind: 'refused', status: confirm === 'true' ? [409] : [400] },
      queues: () => (confirm === 'false' ? backfill : []),
    })),
    hostileSegment.map((segment): Case => ({
      what: 'rooms: resync a room that is not one',
      request: () => ({ method: 'POST', path: `/api/rooms/${segment}/resync`, headers: withKey() }),
      expect: { kind: 'refused', status: [400, 404] },
    })),
    fc
      .constantFrom<[string, string]>(['DELETE', '/api/rooms'], ['POST', `/api/rooms/${ROOM}`])
      .map(([method, path]): Case => ({
        what: `rooms: ${method} ${path}`,
        request: () => ({ method, path, headers: withKey(json), body: '{}' }),
        expect: { kind: 'refused', status: [405] },
      })),
    fc
      .tuple(
        fc.constantFrom('PUT', 'PATCH', 'HEAD', 'OPTIONS'),
        fc.constantFrom(
          '/api/rooms',
          `/api/rooms/${ROOM}`,
          `/api/rooms/${ROOM}/resync`,
          '/api/status',
          '/api/poison',
        ),
      )
      .map(([method, path]): Case => ({
        what: `admin: ${method} ${path}`,
        request: () => ({ method, path, headers: withKey() }),
        expect: { kind: 'host', status: [404] },
      })),
    fc
      .tuple(
        fc.constantFrom('/api/rooms', `/api/rooms/${ROOM}`, '/api/status', '/api/poison'),
        fc.oneof(fc.constant(undefined), fc.stringMatching(/^[\x21-\x7e]{0,40}$/)),
      )
      .map(([path, key]): Case => ({
        what: `admin: ${path} with ${key === undefined ? 'no key' : 'a wrong key'}`,
        request: (): RawRequest => ({
          method: 'GET',
          path,
          ...(key === undefined ? {} : { headers: { 'x-functions-key': key } }),
        }),
        expect: { kind: 'host', status: [401] },
      })),
  ];
}

function operatorCases(): fc.Arbitrary<Case>[] {
  const queueNames = Object.values(QUEUES);
  return [
    fc
      .tuple(fc.constantFrom('/api/health', '/api/health?x=1', '/api/health?code=abc'), oddHeaders)
      .map(([path, headers]): Case => ({
        what: `health: ${path}`,
        request: () => ({ method: 'GET', path, headers }),
        expect: {
          kind: 'ok',
          status: 200,
          body: (res) => assert.equal((JSON.parse(res.body) as { status: string }).status, 'ok'),
        },
      })),
    oddHeaders.map((headers): Case => ({
      what: 'status page',
      request: () => ({ method: 'GET', path: '/api/status?x=%00', headers: withKey(headers) }),
      expect: { kind: 'ok', status: 200, body: (res) => assert.match(res.body, /roomsync status/) },
    })),
    fc.oneof(fc.constantFrom(...queueNames), nastyId).map((queue): Case => {
      let encoded: string;
      try {
        encoded = encodeURIComponent(queue);
      } catch {
        encoded = '%ED%A0%80';
      }
      const valid = queueNames.includes(queue as (typeof queueNames)[number]);
      return {
        what: `poison: list ${valid ? queue : 'a queue that is not one'}`,
        request: () => ({ method: 'GET', path: `/api/poison?queue=${encoded}`, headers: withKey() }),
        expect: valid ? { kind: 'ok', status: 200 } : { kind: 'refused', status: [400] },
      };
    }),
    fc
      .tuple(
        fc.oneof(fc.constantFrom(...queueNames), fc.constant(undefined), fc.string({ maxLength: 12 })),
        fc.oneof(
          fc.constant(undefined),
          fc.integer({ min: 1, max: 50 }).map(String),
          fc.constantFrom('0', '-1', '1.5', '1e400', 'abc', ''),
        ),
      )
      .map(([queue, limit]): Case => {
        const queueOk = queue === undefined || queueNames.includes(queue as (typeof queueNames)[number]);
        const limitOk = limit === undefined || /^[1-9]\d*$/.test(limit);
        const query = [
          ...(queue === undefined ? [] : [`queue=${encodeURIComponent(queue)}`]),
          ...(limit === undefined ? [] : [`limit=${limit}`]),
        ].join('&');
        return {
          what: `poison: replay ${query}`,
          request: () => ({
            method: 'POST',
            path: `/api/poison/replay${query ? `?${query}` : ''}`,
            headers: withKey(),
          }),
          expect: queueOk && limitOk ? { kind: 'ok', status: 200 } : { kind: 'refused', status: [400] },
        };
      }),
    fc
      .oneof(nastySegment, fc.constantFrom('', 'api', 'admin/host/status', 'graph', '..%2f..%2fetc%2fpasswd'))
      .map((segment): Case => ({
        what: 'no such route',
        request: () => ({ method: 'GET', path: `/api/nothing/${segment}` }),
        expect: { kind: 'host', status: [404] },
      })),
  ];
}

/** Every message on a queue, taken off it. */
async function drainAll(name: string): Promise<Record<string, unknown>[]> {
  const queue = createStorageClients(loadStorageConfig(process.env)).queue(name);
  if (!(await queue.exists())) return [];
  const out: Record<string, unknown>[] = [];
  for (;;) {
    const { receivedMessageItems } = await queue.receiveMessages({
      numberOfMessages: 32,
      visibilityTimeout: 600,
    });
    if (receivedMessageItems.length === 0) return out;
    for (const m of receivedMessageItems)
      out.push(JSON.parse(decodeMessageText(m.messageText, 'base64')) as Record<string, unknown>);
  }
}

function describeMessage(queue: 'sync' | 'subscriptions', m: Record<string, unknown>): string {
  const s = (key: string): string => String(m[key]);
  switch (m['kind']) {
    case 'graphChange':
      return `${queue}: graphChange ${s('room')} ${s('eventId')}`;
    case 'workplaceChange':
      return `${queue}: workplaceChange ${s('reservationId')} ${s('version')}`;
    case 'backfill':
      return `${queue}: backfill ${s('room')}`;
    case 'lifecycle':
      return `${queue}: lifecycle ${s('event')} ${s('subscriptionId')}`;
    default:
      return `${queue}: ${JSON.stringify(m)}`;
  }
}

const counted = (items: string[]): Map<string, number> => {
  const out = new Map<string, number>();
  for (const item of items) out.set(item, (out.get(item) ?? 0) + 1);
  return out;
};

function check(c: Case, res: RawResponse): void {
  const where = `${c.what}: ${String(res.status)} ${res.body.slice(0, 300)}`;
  assert.ok(res.status < 500, `never a 5xx: ${where}`);
  const { expect } = c;
  if (expect.kind === 'ok') {
    assert.equal(res.status, expect.status, where);
    expect.body?.(res);
    return;
  }
  assert.ok(expect.status.includes(res.status), `expected ${expect.status.join(' or ')}: ${where}`);
  if (expect.kind === 'host') return;
  // The host's own 404 for a path segment it cannot decode is as Azure answers; everything the
  // functions answer says why.
  if (res.status === 404 && res.body === '') return;
  const type = String(res.headers['content-type'] ?? '');
  if (/json/.test(type)) {
    const body = JSON.parse(res.body) as { error?: unknown };
    const reason =
      typeof body.error === 'string'
        ? body.error
        : (body.error as { message?: unknown } | undefined)?.message;
    assert.ok(typeof reason === 'string' && reason.length > 0, `a reason: ${where}`);
  } else {
    assert.ok(res.body.length > 0, `a reason: ${where}`);
  }
}

describe(`bad input at every HTTP entry point (seed ${String(SEED)}, ${String(RUNS)} requests)`, () => {
  let service: ServiceHost;
  let world: World;
  before(async () => {
    service = await startServiceHost([
      'graph-notifications',
      'workplace-webhook',
      'rooms',
      'status',
      'health',
      'replay-poison',
    ]);
    addRoom(service, ROOM, WP_ROOM);
    assert.equal(await registerRoom(service, ROOM, WP_ROOM), 201);
    const store = createStore(createStorageClients(loadStorageConfig(process.env)));
    const [subscription] = await store.subscriptions.forRoom(ROOM);
    assert.ok(subscription);
    world = { subscriptionId: subscription.id, clientState: subscription.clientState };
    await drainAll(QUEUES.sync);
    await drainAll(QUEUES.subscriptions);
  });
  after(async () => {
    await service.close();
  });

  it('answers every request with a reason or its 2xx, never a 5xx, and queues exactly what the valid ones ask', async () => {
    const all = fc.oneof(...graphCases(world), ...webhookCases(), ...adminCases(), ...operatorCases());
    const cases = fc.sample(all, { seed: SEED, numRuns: RUNS });
    const state: ModelState = { deliveries: new Set() };
    const expected: string[] = [];
    const started = performance.now();
    for (const [index, c] of cases.entries()) {
      const res = await sendRaw(service.host.url, c.request());
      try {
        check(c, res);
      } catch (err) {
        throw new Error(`request ${String(index)} of seed ${String(SEED)} (${c.what})`, { cause: err });
      }
      if (c.expect.kind === 'ok') expected.push(...(c.queues?.(state) ?? []));
    }
    const elapsed = performance.now() - started;
    const queued = [
      ...(await drainAll(QUEUES.sync)).map((m) => describeMessage('sync', m)),
      ...(await drainAll(QUEUES.subscriptions)).map((m) => describeMessage('subscriptions', m)),
    ];
    const want = counted(expected);
    const got = counted(queued);
    const lost = [...want].filter(([k, n]) => (got.get(k) ?? 0) < n).map(([k]) => k);
    const extra = [...got].filter(([k, n]) => (want.get(k) ?? 0) < n).map(([k]) => k);
    assert.deepEqual({ lost, extra }, { lost: [], extra: [] });
    assert.ok(expected.length > 0, 'the valid requests queued something');
    console.log(
      `http fuzz: ${String(cases.length)} requests in ${(elapsed / 1000).toFixed(1)} s, ${String(queued.length)} messages queued as expected`,
    );
  });
});
