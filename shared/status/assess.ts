import type {
  ConflictRecord,
  DeltaStateRecord,
  RoomRecord,
  RoomStatusRecord,
  SubscriptionRecord,
} from '../store';
import { RENEWAL_HORIZON_MS } from '../subscriptions/upkeep';
import { BOOKING_WINDOW_SUSPECT_DAYS } from './detect';

/**
 * A room's state at a glance (pure): what is known of it in, problems out. Each problem is `warn` (look
 * at it when convenient) or `error` (the room's bookings are, or are about to be, out of sync).
 */

export type Level = 'ok' | 'warn' | 'error';

export type Area = 'subscription' | 'sync' | 'lag' | 'errors' | 'conflicts' | 'poison' | 'mailbox';

export interface Problem {
  level: 'warn' | 'error';
  area: Area;
  text: string;
}

/** A message in a poison queue, as far as the page shows it. */
export interface PoisonItem {
  queue: string;
  insertedOn: string;
  kind?: string;
  correlationId?: string;
  /** The worker's reason (credentials and addresses masked); absent when the runtime poisoned it. */
  reason?: string;
  failedAt?: string;
  /** A subscription lifecycle event that could not be handled (reauthorizationRequired, …). */
  lifecycle?: string;
}

export interface RoomFacts {
  room: RoomRecord;
  status: RoomStatusRecord | undefined;
  subscriptions: SubscriptionRecord[];
  /** Each is absent when not gathered (the health endpoint gathers only the cheap facts). */
  conflicts?: ConflictRecord[];
  deltaState?: DeltaStateRecord | undefined;
  poison?: PoisonItem[];
  /** Messages waiting in the sync queue that name the room (of those peeked). */
  waiting?: { count: number; oldestInsertedAt: string | null };
}

export interface SubscriptionState {
  state: 'ok' | 'renewalOverdue' | 'expiring' | 'expired' | 'missing';
  /** The one expiring last. */
  current: { id: string; expiresAt: string; createdAt: string; leftMs: number } | null;
  /** Subscriptions not yet expired; more than one means an old one was not removed. */
  live: number;
}

export interface RoomAssessment {
  level: Level;
  problems: Problem[];
  subscription: SubscriptionState;
  /** The newer of the worker's last handled message and the room's last sweep. */
  lastSyncAt: string | null;
  /** Whether the room's copies currently lose their subject (the last finding not contradicted since). */
  strippingSubjects: 'replaced' | 'prefixed' | null;
  conflicts: ConflictRecord[];
  /** Bookings left unsynced on purpose (a recurrence pattern Exchange cannot express). */
  notSynced: ConflictRecord[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The reconcile timer sweeps every room this often (functions/reconcile.ts), so a room is never quiet longer. */
export const SWEEP_PERIOD_MS = 15 * MINUTE;
/** No handled message for this long (three sweeps) means the room's sync has stopped. */
export const STALE_SYNC_MS = 3 * SWEEP_PERIOD_MS;
/** The renewal timer's period (functions/renew-subscriptions.ts). */
export const RENEWAL_PERIOD_MS = 30 * MINUTE;
/** A change that took longer than this from being made or queued to being applied. */
export const SLOW_LAG_MS = 2 * MINUTE;
/** A message naming the room that has waited in the sync queue this long. */
export const OLD_WORK_MS = 5 * MINUTE;
/** Booking-window declines stay on the page as a warning this long after the last one. */
export const RECENT_DECLINE_MS = 30 * DAY;

/** Conflict reasons that mean "not synced on purpose" (shared/rooms/admin.ts counts them apart too). */
const NOT_SYNCED = new Set(['unsupportedRecurrence']);

export function subscriptionState(subscriptions: SubscriptionRecord[], now: Date): SubscriptionState {
  const sorted = [...subscriptions].sort((a, b) => b.expiresAt.localeCompare(a.expiresAt));
  const latest = sorted[0];
  const live = sorted.filter((s) => Date.parse(s.expiresAt) > now.getTime()).length;
  if (!latest) return { state: 'missing', current: null, live };
  const leftMs = Date.parse(latest.expiresAt) - now.getTime();
  const current = { id: latest.id, expiresAt: latest.expiresAt, createdAt: latest.createdAt, leftMs };
  // The timer renews whatever expires within RENEWAL_HORIZON_MS, every RENEWAL_PERIOD_MS: with less left
  // than that (two periods' slack), renewals are failing or the timer is not running.
  const state =
    leftMs <= 0
      ? 'expired'
      : leftMs < HOUR
        ? 'expiring'
        : leftMs < RENEWAL_HORIZON_MS - 2 * RENEWAL_PERIOD_MS
          ? 'renewalOverdue'
          : 'ok';
  return { state, current, live };
}

/** "3 min", "2 h 5 min", "4 d 3 h": a duration at a glance. */
export function span(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 10_000) return `${(abs / 1000).toFixed(1)} s`;
  if (abs < MINUTE) return `${String(Math.round(abs / 1000))} s`;
  if (abs < HOUR) return `${String(Math.floor(abs / MINUTE))} min`;
  if (abs < DAY) {
    const m = Math.floor((abs % HOUR) / MINUTE);
    return `${String(Math.floor(abs / HOUR))} h${m ? ` ${String(m)} min` : ''}`;
  }
  const h = Math.floor((abs % DAY) / HOUR);
  return `${String(Math.floor(abs / DAY))} d${h ? ` ${String(h)} h` : ''}`;
}

export function assessRoom(facts: RoomFacts, now: Date): RoomAssessment {
  const problems: Problem[] = [];
  const add = (level: Problem['level'], area: Area, text: string): void => {
    problems.push({ level, area, text });
  };
  const age = (at: string): number => now.getTime() - Date.parse(at);
  const { room, status } = facts;

  const subscription = subscriptionState(facts.subscriptions, now);
  const left = subscription.current ? span(subscription.current.leftMs) : '';
  switch (subscription.state) {
    case 'missing':
      add(
        'error',
        'subscription',
        'No Graph subscription: Exchange changes reach roomsync only by the sweep',
      );
      break;
    case 'expired':
      add('error', 'subscription', `Graph subscription expired ${left} ago`);
      break;
    case 'expiring':
      add('error', 'subscription', `Graph subscription expires in ${left}`);
      break;
    case 'renewalOverdue':
      add('warn', 'subscription', `Graph subscription not renewed: ${left} left (renewed at 24 h)`);
      break;
    case 'ok':
      break;
  }
  if (subscription.live > 1)
    add(
      'warn',
      'subscription',
      `${String(subscription.live)} live subscriptions (an old one was not removed)`,
    );
  for (const item of (facts.poison ?? []).filter((p) => p.lifecycle)) {
    add('error', 'subscription', `Lifecycle event ${item.lifecycle ?? ''} could not be handled`);
  }

  const lastSyncAt = status?.lastSync?.at ?? null;
  if (!lastSyncAt) {
    if (age(room.registeredAt) > SWEEP_PERIOD_MS) add('warn', 'sync', 'Never synced since registration');
  } else if (age(lastSyncAt) > STALE_SYNC_MS) {
    add('error', 'sync', `No sync for ${span(age(lastSyncAt))} (every room is swept every 15 min)`);
  }
  const withheld = facts.deltaState?.withheldRemovals ?? 0;
  if (withheld > 0 && facts.deltaState?.confirmRemovals !== true) {
    add(
      'error',
      'sync',
      `The sweep withheld ${String(withheld)} removals found at once; confirm with POST /api/rooms/${room.email}/resync?confirmRemovals=true if they are real`,
    );
  }

  const lag = status?.lastChange?.lagMs;
  if (lag != null && lag > SLOW_LAG_MS) add('warn', 'lag', `The last change took ${span(lag)} to apply`);
  const oldest = facts.waiting?.oldestInsertedAt;
  if (oldest && age(oldest) > OLD_WORK_MS)
    add('warn', 'lag', `Work for the room has waited ${span(age(oldest))} in the sync queue`);

  if (
    status?.lastError &&
    status.failuresSinceSync > 0 &&
    (!status.lastSync || status.lastError.at > status.lastSync.at)
  ) {
    add(
      'error',
      'errors',
      `Failing: ${String(status.failuresSinceSync)} failed ${status.failuresSinceSync === 1 ? 'try' : 'tries'} since the last success`,
    );
  }

  const all = facts.conflicts ?? [];
  const conflicts = all.filter((c) => !NOT_SYNCED.has(c.reason));
  const notSynced = all.filter((c) => NOT_SYNCED.has(c.reason));
  if (conflicts.length > 0)
    add(
      'warn',
      'conflicts',
      `${String(conflicts.length)} unresolved ${conflicts.length === 1 ? 'conflict' : 'conflicts'}`,
    );
  if (notSynced.length > 0)
    add('warn', 'conflicts', `${String(notSynced.length)} not synced (a pattern Exchange cannot express)`);

  const poisoned = (facts.poison ?? []).filter((p) => !p.lifecycle);
  if (poisoned.length > 0)
    add(
      'error',
      'poison',
      `${String(poisoned.length)} poison ${poisoned.length === 1 ? 'message' : 'messages'}`,
    );

  const stripped = status?.subjectStripped;
  const strippingSubjects =
    stripped && (!status.subjectKeptAt || stripped.at >= status.subjectKeptAt) ? stripped.how : null;
  if (strippingSubjects === 'replaced') {
    add(
      'error',
      'mailbox',
      'Replaces meeting subjects with the organizer’s name (Set-CalendarProcessing -DeleteSubject $false -AddOrganizerToSubject $false)',
    );
  } else if (strippingSubjects === 'prefixed') {
    add(
      'warn',
      'mailbox',
      'Puts the organizer’s name before meeting subjects (Set-CalendarProcessing -AddOrganizerToSubject $false)',
    );
  }
  const windowDecline = status?.lastBookingWindowDecline;
  if (windowDecline && age(windowDecline.at) < RECENT_DECLINE_MS) {
    add(
      'warn',
      'mailbox',
      `Declined ${String(status.bookingWindowDeclines)} ${status.bookingWindowDeclines === 1 ? 'booking' : 'bookings'} more than ${String(BOOKING_WINDOW_SUSPECT_DAYS)} days ahead: probably its booking window (BookingWindowInDays)`,
    );
  }

  const level: Level = problems.some((p) => p.level === 'error')
    ? 'error'
    : problems.length > 0
      ? 'warn'
      : 'ok';
  return { level, problems, subscription, lastSyncAt, strippingSubjects, conflicts, notSynced };
}
