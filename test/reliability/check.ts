import type { Client } from '@microsoft/microsoft-graph-client';
import { bookingFromReservation, type RoomDirectory } from '../../shared/mapping';
import { expand } from '../../shared/recurrence';
import type { WorkplaceClient } from '../../shared/workplace';
import { entry, type Model } from './model';
import type { Room } from './users';

/**
 * After the sync has settled: each room's bookings as Exchange shows them (the room's calendarView,
 * expanded by the Graph emulator) and as Workplace shows them (reservations with a confirmed line for
 * the room, expanded), each compared with what the users meant (the model). Entries are
 * `subject|start|end` per occurrence, compared as multisets, so a duplicate is an extra entry.
 */

export interface Difference {
  room: string;
  side: 'exchange' | 'workplace';
  missing: string[];
  extra: string[];
}

interface ViewItem {
  subject?: string;
  isCancelled?: boolean;
  responseStatus?: { response?: string };
  start: { dateTime: string };
  end: { dateTime: string };
}

const utc = (dateTime: string): Date =>
  new Date(/[zZ]$/.test(dateTime) ? dateTime : `${dateTime.slice(0, 23)}Z`);

export async function exchangeEntries(graph: Client, room: string, from: Date, to: Date): Promise<string[]> {
  const out: string[] = [];
  let page = (await graph
    .api(`/users/${room}/calendarView`)
    .query({ startDateTime: from.toISOString(), endDateTime: to.toISOString() })
    .top(100)
    .get()) as { value: ViewItem[]; '@odata.nextLink'?: string };
  for (;;) {
    for (const item of page.value) {
      if (item.isCancelled === true || item.responseStatus?.response === 'declined') continue;
      out.push(entry(item.subject ?? '', utc(item.start.dateTime), utc(item.end.dateTime)));
    }
    const next = page['@odata.nextLink'];
    if (!next) break;
    page = (await graph.api(next).get()) as typeof page;
  }
  return out.sort();
}

export async function workplaceEntries(
  workplace: WorkplaceClient,
  room: Room,
  rooms: RoomDirectory,
  from: Date,
  to: Date,
): Promise<string[]> {
  const out: string[] = [];
  for await (const r of workplace.listReservations({ roomId: room.roomId, from, to })) {
    if (r.cancelled) continue;
    if (!r.lines.some((l) => l.roomId === room.roomId && l.status === 'confirmed')) continue;
    const booking = bookingFromReservation(r, rooms);
    for (const o of expand(booking, from, to)) {
      if (o.cancelled) continue;
      const exception = booking.exceptions.find(
        (e) => e.originalStart.getTime() === o.originalStart.getTime() && !e.cancelled,
      );
      const subject =
        exception && !exception.cancelled ? (exception.subject ?? booking.subject) : booking.subject;
      out.push(entry(subject, o.start, o.end));
    }
  }
  return out.sort();
}

/** Entries of `actual` not in `wanted` (extra) and the other way round (missing), multiset-wise. */
export function compare(wanted: string[], actual: string[]): { missing: string[]; extra: string[] } {
  const left = new Map<string, number>();
  for (const e of wanted) left.set(e, (left.get(e) ?? 0) + 1);
  const extra: string[] = [];
  for (const e of actual) {
    const n = left.get(e) ?? 0;
    if (n > 0) left.set(e, n - 1);
    else extra.push(e);
  }
  const missing = [...left.entries()].flatMap(([e, n]) => Array<string>(n).fill(e));
  return { missing, extra };
}

export async function differences(
  model: Model,
  people: { graph: Client; workplace: WorkplaceClient; rooms: Room[] },
  from: Date,
  to: Date,
): Promise<Difference[]> {
  const directory: RoomDirectory = {
    roomEmail: (id) => people.rooms.find((r) => r.roomId === id)?.email,
    workplaceRoomId: (email) => people.rooms.find((r) => r.email === email.toLowerCase())?.roomId,
  };
  const found: Difference[] = [];
  for (const room of people.rooms) {
    const wanted = model.expected(room.email);
    const sides = {
      exchange: await exchangeEntries(people.graph, room.email, from, to),
      workplace: await workplaceEntries(people.workplace, room, directory, from, to),
    };
    for (const side of ['exchange', 'workplace'] as const) {
      const d = compare(wanted, sides[side]);
      if (d.missing.length > 0 || d.extra.length > 0) found.push({ room: room.email, side, ...d });
    }
  }
  return found;
}
