import { RestError } from '@azure/data-tables';
import type { QueueClient } from '@azure/storage-queue';
import { QUEUES } from '../queue/messages';
import { readPoisoned } from '../queue/replay';
import { summarizeRefusals, type RefusalSummary, type Store, type SubscriptionRecord } from '../store';
import { assessRoom, type PoisonItem, type RoomAssessment, type RoomFacts } from './assess';
import { safeText } from './detect';
import { ensureError } from '../errors';

/**
 * Everything the status page shows, read in one go: tables (rooms, their status rows, subscriptions,
 * conflicts, delta state) and a peek at the sync queue and the poison queues. No Graph or Workplace call:
 * the page answers even when those are down, and costs a few storage reads per room.
 */

export interface StatusDeps {
  store: Store;
  queue(name: string): QueueClient;
  now(): Date;
}

export interface StatusReport {
  generatedAt: string;
  rooms: { facts: RoomFacts; assessment: RoomAssessment }[];
  /** The sync queue: its approximate length, and the oldest of the messages a peek sees. */
  queue: { approximate: number; oldestInsertedAt: string | null };
  /** The poison queues' approximate total, and the peeked messages that name no registered room. */
  poison: { approximate: number; unattributed: PoisonItem[] };
  /** Workplace webhooks refused for their signature or timestamp in the last 24 hours; absent when unreadable. */
  webhookRefusals?: RefusalSummary;
  /** What could not be read (the page shows the rest). */
  unreadable: string[];
}

/** A peek sees at most this many messages of a queue (the queue service's limit). */
const PEEK = 32;

interface Peeked {
  approximate: number;
  messages: { insertedOn: string; text: string }[];
}

async function peek(queue: QueueClient): Promise<Peeked> {
  try {
    const properties = await queue.getProperties();
    const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: PEEK });
    return {
      approximate: properties.approximateMessagesCount ?? peekedMessageItems.length,
      messages: peekedMessageItems.map((m) => ({
        insertedOn: m.insertedOn.toISOString(),
        text: m.messageText,
      })),
    };
  } catch (err) {
    // A queue nobody wrote to yet does not exist.
    if (err instanceof RestError && err.statusCode === 404) return { approximate: 0, messages: [] };
    throw err;
  }
}

/** The JSON object a queue message's base64 text holds, or undefined. */
function payloadOf(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

function describeError(err: unknown): string {
  if (err instanceof RestError)
    return `HTTP ${String(err.statusCode ?? '?')}${err.code ? ` ${err.code}` : ''}`;
  return ensureError(err).name;
}

/**
 * Which registered rooms a queue message is about: its `room`, or the rooms of the subscription,
 * reservation or link it names (one table read each, remembered for the rest of the page).
 */
function roomsResolver(
  store: Store,
  subscriptions: SubscriptionRecord[],
): (payload: Record<string, unknown> | undefined) => Promise<string[]> {
  const cache = new Map<string, Promise<string[]>>();
  const remembered = (key: string, find: () => Promise<string[]>): Promise<string[]> => {
    let found = cache.get(key);
    if (!found) {
      found = find().catch(() => []);
      cache.set(key, found);
    }
    return found;
  };
  const roomsOfLink = (
    link: { copies: { room: string }[]; organizerRoom: string | null } | undefined,
  ): string[] =>
    link
      ? [...new Set([...(link.organizerRoom ? [link.organizerRoom] : []), ...link.copies.map((c) => c.room)])]
      : [];
  return async (payload) => {
    if (!payload) return [];
    const room = text(payload['room']);
    if (room) return [room.toLowerCase()];
    const subscriptionId = text(payload['subscriptionId']);
    if (subscriptionId) {
      const owner = subscriptions.find((s) => s.id === subscriptionId)?.room;
      if (owner) return [owner];
    }
    const reservationId = text(payload['reservationId']);
    if (reservationId)
      return remembered(`r:${reservationId}`, async () =>
        roomsOfLink((await store.links.byReservation(reservationId))?.value),
      );
    const linkId = text(payload['linkId']);
    if (linkId)
      return remembered(`l:${linkId}`, async () => roomsOfLink((await store.links.get(linkId))?.value));
    return [];
  };
}

export async function gatherStatus(deps: StatusDeps): Promise<StatusReport> {
  const now = deps.now();
  const unreadable: string[] = [];
  const attempt = async <T>(what: string, read: () => Promise<T>, otherwise: T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      unreadable.push(`${what}: ${describeError(err)}`);
      return otherwise;
    }
  };
  const empty: Peeked = { approximate: 0, messages: [] };
  const [rooms, statuses, subscriptions, syncQueue, syncPoison, subscriptionPoison, refusals] =
    await Promise.all([
      deps.store.rooms.list(),
      deps.store.roomStatus.list(),
      deps.store.subscriptions.list(),
      attempt('the sync queue', () => peek(deps.queue(QUEUES.sync)), empty),
      attempt('the sync poison queue', () => peek(deps.queue(`${QUEUES.sync}-poison`)), empty),
      attempt(
        'the subscription poison queue',
        () => peek(deps.queue(`${QUEUES.subscriptions}-poison`)),
        empty,
      ),
      attempt(
        'refused Workplace webhooks',
        async () => summarizeRefusals(await deps.store.webhookRefusals.recent(now), now),
        undefined,
      ),
    ]);
  const registered = new Set(rooms.map((r) => r.email));
  const roomsOf = roomsResolver(deps.store, subscriptions);

  const waiting = new Map<string, { count: number; oldestInsertedAt: string | null }>();
  for (const message of syncQueue.messages) {
    for (const room of await roomsOf(payloadOf(message.text))) {
      const seen = waiting.get(room) ?? { count: 0, oldestInsertedAt: null };
      seen.count += 1;
      if (!seen.oldestInsertedAt || message.insertedOn < seen.oldestInsertedAt)
        seen.oldestInsertedAt = message.insertedOn;
      waiting.set(room, seen);
    }
  }

  const poisonByRoom = new Map<string, PoisonItem[]>();
  const unattributed: PoisonItem[] = [];
  const poisoned = [
    ...syncPoison.messages.map((m) => ({ ...m, queue: QUEUES.sync })),
    ...subscriptionPoison.messages.map((m) => ({ ...m, queue: QUEUES.subscriptions })),
  ];
  for (const message of poisoned) {
    const payload = payloadOf(message.text);
    const about = readPoisoned(message.text);
    const owners = (await roomsOf(payload)).filter((r) => registered.has(r));
    const lifecycle = about.kind === 'lifecycle' ? text(payload?.['event']) : undefined;
    const item: PoisonItem = {
      queue: message.queue,
      insertedOn: message.insertedOn,
      ...(about.kind ? { kind: about.kind } : {}),
      ...(about.correlationId ? { correlationId: about.correlationId } : {}),
      ...(about.failure
        ? { reason: safeText(about.failure.reason, owners), failedAt: about.failure.at }
        : {}),
      ...(lifecycle ? { lifecycle } : {}),
    };
    if (owners.length === 0) unattributed.push(item);
    for (const room of owners) poisonByRoom.set(room, [...(poisonByRoom.get(room) ?? []), item]);
  }

  const views = await Promise.all(
    rooms.map(async (room) => {
      const [conflicts, deltaState] = await Promise.all([
        attempt(`conflicts of ${room.email}`, () => deps.store.conflicts.forRoom(room.email), []),
        attempt(`sweep state of ${room.email}`, () => deps.store.deltaState.get(room.email), undefined),
      ]);
      const facts: RoomFacts = {
        room,
        status: statuses.find((s) => s.room === room.email),
        subscriptions: subscriptions.filter((s) => s.room === room.email),
        conflicts,
        deltaState,
        poison: poisonByRoom.get(room.email) ?? [],
        waiting: waiting.get(room.email) ?? { count: 0, oldestInsertedAt: null },
      };
      return { facts, assessment: assessRoom(facts, now) };
    }),
  );
  const oldest = syncQueue.messages.map((m) => m.insertedOn).sort()[0] ?? null;
  return {
    generatedAt: now.toISOString(),
    rooms: views,
    queue: { approximate: syncQueue.approximate, oldestInsertedAt: oldest },
    poison: { approximate: syncPoison.approximate + subscriptionPoison.approximate, unattributed },
    ...(refusals ? { webhookRefusals: refusals } : {}),
    unreadable,
  };
}

/**
 * The health endpoint's cheap count (three table reads, no queue): rooms whose subscription, sync or
 * mailbox settings need attention. Conflicts, poison and waiting work are on the status page only.
 */
export async function summarizeRooms(
  deps: Pick<StatusDeps, 'store' | 'now'>,
): Promise<{ registered: number; withProblems: number }> {
  const now = deps.now();
  const [rooms, statuses, subscriptions] = await Promise.all([
    deps.store.rooms.list(),
    deps.store.roomStatus.list(),
    deps.store.subscriptions.list(),
  ]);
  const withProblems = rooms.filter(
    (room) =>
      assessRoom(
        {
          room,
          status: statuses.find((s) => s.room === room.email),
          subscriptions: subscriptions.filter((s) => s.room === room.email),
        },
        now,
      ).level !== 'ok',
  ).length;
  return { registered: rooms.length, withProblems };
}
