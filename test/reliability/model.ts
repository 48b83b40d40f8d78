import { DateTime } from 'luxon';

/**
 * What the people using both systems meant: every booking as its owner last left it. The fuzzer's users
 * only edit a booking on the side that owns it (Outlook meetings in Outlook, reservations in Workplace),
 * so after the sync settles both sides must show exactly this, room by room: anything else is a lost
 * update, a duplicate or a booking that should be gone.
 *
 * Times are lanes: each booking keeps its own half hour of the day, so no two bookings ever overlap and
 * a room never has a reason to decline one; what remains to check is the sync alone.
 */

export const ZONE = 'Europe/Brussels';
export const WINDOWS_ZONE = 'W. Europe Standard Time';
export const SLOT_MINUTES = 30;

export interface Series {
  freq: 'DAILY' | 'WEEKLY';
  count: number;
}

export interface Planned {
  key: string;
  origin: 'exchange' | 'workplace';
  subject: string;
  /** Days after the scenario's first day. */
  day: number;
  lane: number;
  /** Room mailboxes, the first one being a Workplace booking's host. */
  rooms: string[];
  series: Series | null;
  /** By occurrence index: cancelled, or renamed. */
  exceptions: Map<number, { cancelled: true } | { subject: string }>;
  gone: boolean;
  /** The organizer's event (Outlook) or the reservation (Workplace). */
  handle?: string;
}

export interface Occurrence {
  index: number;
  start: DateTime;
  end: DateTime;
}

export class Model {
  readonly bookings: Planned[] = [];
  private lanes = 0;

  constructor(readonly firstDay: DateTime) {}

  add(b: Omit<Planned, 'key' | 'lane' | 'exceptions' | 'gone'>): Planned {
    const planned: Planned = {
      ...b,
      key: `b${String(this.bookings.length + 1)}`,
      lane: this.lanes++,
      exceptions: new Map(),
      gone: false,
    };
    this.bookings.push(planned);
    return planned;
  }

  live(origin?: Planned['origin']): Planned[] {
    return this.bookings.filter((b) => !b.gone && b.handle !== undefined && (!origin || b.origin === origin));
  }

  /** Every occurrence of the booking (exceptions not applied), in its zone. */
  occurrences(b: Planned): Occurrence[] {
    const start = this.firstDay
      .plus({ days: b.day })
      .set({ hour: 7, minute: 0 })
      .plus({ minutes: SLOT_MINUTES * b.lane });
    const count = b.series?.count ?? 1;
    const step = b.series?.freq === 'WEEKLY' ? 7 : 1;
    return Array.from({ length: count }, (_, i) => {
      const s = start.plus({ days: i * step });
      return { index: i, start: s, end: s.plus({ minutes: SLOT_MINUTES }) };
    });
  }

  /** The occurrences not cancelled: those a user can still cancel or rename. */
  openOccurrences(b: Planned): Occurrence[] {
    return this.occurrences(b).filter((o) => !isCancelled(b.exceptions.get(o.index)));
  }

  /** What each room should hold: `subject|start|end` (UTC), one entry per occurrence. */
  expected(room: string): string[] {
    const out: string[] = [];
    for (const b of this.bookings) {
      if (b.gone || b.handle === undefined || !b.rooms.includes(room)) continue;
      for (const o of this.occurrences(b)) {
        const exception = b.exceptions.get(o.index);
        if (isCancelled(exception)) continue;
        out.push(entry(exception?.subject ?? b.subject, o.start.toJSDate(), o.end.toJSDate()));
      }
    }
    return out.sort();
  }
}

type Exception = Planned['exceptions'] extends Map<number, infer E> ? E : never;

function isCancelled(exception: Exception | undefined): exception is { cancelled: true } {
  return exception !== undefined && 'cancelled' in exception;
}

export function entry(subject: string, start: Date, end: Date): string {
  return `${subject}|${start.toISOString()}|${end.toISOString()}`;
}

/** Wall-clock text as both APIs take it. */
export function local(t: DateTime): string {
  return t.toFormat("yyyy-MM-dd'T'HH:mm:ss");
}
