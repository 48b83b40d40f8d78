import type { Client } from '@microsoft/microsoft-graph-client';
import { Stale, type Reservation, type ReservationWrite, type WorkplaceClient } from '../../shared/workplace';
import { writableOf } from '../helpers/workplace';
import { Model, WINDOWS_ZONE, ZONE, local, type Planned } from './model';
import type { Random } from './random';

/**
 * The people at both ends: an organizer in Outlook and a receptionist in Workplace, each doing one
 * thing at a time to the bookings their side owns (create, rename, move, change rooms, cancel, and for
 * series cancel or rename one occurrence), through the same public APIs real clients use.
 */

export const ORGANIZER = 'ada@contoso.com';

export interface Room {
  email: string;
  roomId: string;
}

export interface People {
  graph: Client;
  workplace: WorkplaceClient;
  rooms: Room[];
}

/** One request of a user, on the user's turn (and never failed by an injected fault). */
export type Step = <T>(what: string, work: () => Promise<T>) => Promise<T>;

type Kind =
  | 'outlook:create'
  | 'outlook:update'
  | 'outlook:delete'
  | 'outlook:occurrence'
  | 'workplace:create'
  | 'workplace:update'
  | 'workplace:cancel'
  | 'workplace:occurrence';

const WEIGHTS: [Kind, number][] = [
  ['outlook:create', 3],
  ['workplace:create', 3],
  ['outlook:update', 3],
  ['workplace:update', 3],
  ['outlook:delete', 1],
  ['workplace:cancel', 1],
  ['outlook:occurrence', 2],
  ['workplace:occurrence', 2],
];

/** Picks and performs one action; returns what was done, for the scenario's trace. */
export async function act(model: Model, random: Random, people: People, step: Step): Promise<string> {
  const possible = WEIGHTS.filter(([kind]) => possibleNow(kind, model));
  const total = possible.reduce((sum, [, w]) => sum + w, 0);
  let roll = random.next() * total;
  const kind = possible.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'outlook:create';
  const [side, verb] = kind.split(':') as ['outlook' | 'workplace', string];
  if (verb === 'create') return create(side, model, random, people, step);
  const candidates = model
    .live(side === 'outlook' ? 'exchange' : 'workplace')
    .filter((b) => verb !== 'occurrence' || b.series !== null);
  const b = random.pick(candidates);
  if (side === 'outlook') {
    if (verb === 'update') return outlookUpdate(b, model, random, people, step);
    if (verb === 'delete') {
      await step('delete meeting', () =>
        people.graph.api(`/users/${ORGANIZER}/events/${b.handle ?? ''}`).delete(),
      );
      b.gone = true;
      return `${b.key}: Outlook meeting deleted`;
    }
    return outlookOccurrence(b, model, random, people, step);
  }
  if (verb === 'cancel') {
    await step('cancel reservation', () => people.workplace.cancelReservation(b.handle ?? ''));
    b.gone = true;
    return `${b.key}: reservation cancelled`;
  }
  if (verb === 'update') return workplaceUpdate(b, model, random, people, step);
  return workplaceOccurrence(b, model, random, people, step);
}

function possibleNow(kind: Kind, model: Model): boolean {
  const [side, verb] = kind.split(':');
  const live = model.live(side === 'outlook' ? 'exchange' : 'workplace');
  if (verb === 'create') return model.bookings.length < 24;
  if (verb === 'occurrence') return live.some((b) => b.series !== null);
  return live.length > 0;
}

async function create(
  side: 'outlook' | 'workplace',
  model: Model,
  random: Random,
  people: People,
  step: Step,
): Promise<string> {
  const rooms = random.sample(people.rooms, random.chance(0.3) ? 2 : 1).map((r) => r.email);
  const series = random.chance(0.35)
    ? random.chance(0.5)
      ? { freq: 'DAILY' as const, count: 2 + random.int(3) }
      : { freq: 'WEEKLY' as const, count: 2 + random.int(2) }
    : null;
  const b = model.add({
    origin: side === 'outlook' ? 'exchange' : 'workplace',
    subject: '',
    day: random.int(10),
    rooms,
    series,
  });
  b.subject = `${b.key} v1`;
  if (side === 'outlook') {
    const made = (await step('create meeting', () =>
      people.graph.api(`/users/${ORGANIZER}/events`).post(outlookBody(b, model)),
    )) as { id: string };
    b.handle = made.id;
  } else {
    const made = await step('create reservation', () =>
      people.workplace.createReservation(reservationBody(b, model, people), `fuzz-${b.key}`),
    );
    b.handle = made.id;
  }
  return `${b.key}: ${side} ${series ? `${series.freq} x${String(series.count)} ` : ''}booking in ${rooms.join(', ')}`;
}

function outlookBody(b: Planned, model: Model): Record<string, unknown> {
  const [first] = model.occurrences(b);
  if (!first) throw new Error('a booking without occurrences');
  const day = first.start.setLocale('en-US').toFormat('cccc').toLowerCase();
  return {
    subject: b.subject,
    start: { dateTime: local(first.start), timeZone: WINDOWS_ZONE },
    end: { dateTime: local(first.end), timeZone: WINDOWS_ZONE },
    attendees: attendeesOf(b),
    ...(b.series
      ? {
          recurrence: {
            pattern:
              b.series.freq === 'DAILY'
                ? { type: 'daily', interval: 1 }
                : { type: 'weekly', interval: 1, daysOfWeek: [day], firstDayOfWeek: 'monday' },
            range: {
              type: 'numbered',
              startDate: first.start.toISODate(),
              numberOfOccurrences: b.series.count,
              recurrenceTimeZone: WINDOWS_ZONE,
            },
          },
        }
      : {}),
  };
}

function attendeesOf(b: Planned): Record<string, unknown>[] {
  return b.rooms.map((address) => ({ type: 'resource', emailAddress: { address, name: address } }));
}

function reservationBody(b: Planned, model: Model, people: People): ReservationWrite {
  const [first] = model.occurrences(b);
  if (!first) throw new Error('a booking without occurrences');
  return {
    subject: b.subject,
    start: local(first.start),
    end: local(first.end),
    timeZone: ZONE,
    responsible: { email: ORGANIZER, name: 'Ada Lovelace' },
    participants: [],
    lines: b.rooms.map((email) => ({ roomId: roomIdOf(email, people), status: 'confirmed' as const })),
    recurrence: b.series ? { rrule: `FREQ=${b.series.freq};COUNT=${String(b.series.count)}` } : null,
    exceptions: [],
  };
}

function roomIdOf(email: string, people: People): string {
  const room = people.rooms.find((r) => r.email === email);
  if (!room) throw new Error(`unknown room ${email}`);
  return room.roomId;
}

/** The booking's subject at its next version: `b3 v1` → `b3 v2`. */
function rename(b: Planned): string {
  const version = Number(/ v(\d+)$/.exec(b.subject)?.[1] ?? '1') + 1;
  b.subject = `${b.key} v${String(version)}`;
  return `renamed to "${b.subject}"`;
}

/** A rename, a move (single bookings: a series keeps its days, so its exceptions stay meaningful) or a change of rooms. */
function change(b: Planned, random: Random, people: People): string {
  const renamedOccurrence = [...b.exceptions.values()].some((e) => 'subject' in e);
  const choices = ['rooms', ...(renamedOccurrence ? [] : ['rename']), ...(b.series ? [] : ['move'])];
  const what = random.pick(choices);
  if (what === 'rename') return rename(b);
  if (what === 'move') {
    b.day = (b.day + 1 + random.int(3)) % 12;
    return `moved to day ${String(b.day)}`;
  }
  const others = people.rooms.map((r) => r.email).filter((r) => !b.rooms.includes(r));
  if (others.length > 0 && (b.rooms.length === 1 || random.chance(0.5))) {
    const added = random.pick(others);
    b.rooms = [...b.rooms, added];
    return `room ${added} added`;
  }
  // Every room is booked already and only one is left: a rename instead.
  if (b.rooms.length < 2) return rename(b);
  const removed = random.pick(b.rooms);
  b.rooms = b.rooms.filter((r) => r !== removed);
  return `room ${removed} removed`;
}

async function outlookUpdate(
  b: Planned,
  model: Model,
  random: Random,
  people: People,
  step: Step,
): Promise<string> {
  const what = change(b, random, people);
  const body = outlookBody(b, model);
  const patch: Record<string, unknown> = what.startsWith('renamed')
    ? { subject: body['subject'] }
    : what.startsWith('moved')
      ? { start: body['start'], end: body['end'] }
      : { attendees: body['attendees'] };
  await step('update meeting', () =>
    people.graph.api(`/users/${ORGANIZER}/events/${b.handle ?? ''}`).patch(patch),
  );
  return `${b.key}: Outlook meeting ${what}`;
}

interface Instance {
  id: string;
  originalStart?: string;
  start: { dateTime: string };
}

async function outlookOccurrence(
  b: Planned,
  model: Model,
  random: Random,
  people: People,
  step: Step,
): Promise<string> {
  const target = random.pick(model.openOccurrences(b));
  const from = target.start.minus({ hours: 1 }).toUTC().toISO() ?? '';
  const to = target.end.plus({ hours: 1 }).toUTC().toISO() ?? '';
  const instances = (await step('list occurrences', () =>
    people.graph
      .api(`/users/${ORGANIZER}/events/${b.handle ?? ''}/instances`)
      .query({ startDateTime: from, endDateTime: to })
      .get(),
  )) as { value: Instance[] };
  const occurrence = instances.value.find(
    (i) => Date.parse(i.originalStart ?? '') === target.start.toMillis(),
  );
  if (!occurrence) throw new Error(`${b.key}: no occurrence at ${target.start.toISO() ?? ''} in Outlook`);
  if (random.chance(0.5)) {
    await step('cancel occurrence', () =>
      people.graph.api(`/users/${ORGANIZER}/events/${occurrence.id}`).delete(),
    );
    b.exceptions.set(target.index, { cancelled: true });
    return `${b.key}: Outlook occurrence ${String(target.index)} cancelled`;
  }
  const subject = `${b.key} occurrence ${String(target.index)}`;
  await step('rename occurrence', () =>
    people.graph.api(`/users/${ORGANIZER}/events/${occurrence.id}`).patch({ subject }),
  );
  b.exceptions.set(target.index, { subject });
  return `${b.key}: Outlook occurrence ${String(target.index)} renamed`;
}

/** Read, change, replace with If-Match; a 412 (the sync wrote meanwhile) means read and change again. */
async function replace(
  b: Planned,
  people: People,
  step: Step,
  edit: (current: Reservation) => ReservationWrite,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const current = await step('read reservation', () => people.workplace.getReservation(b.handle ?? ''));
    try {
      await step('replace reservation', () =>
        people.workplace.replaceReservation(current.id, edit(current), current.version),
      );
      return;
    } catch (err) {
      if (!(err instanceof Stale) || attempt >= 5) throw err;
    }
  }
}

async function workplaceUpdate(
  b: Planned,
  model: Model,
  random: Random,
  people: People,
  step: Step,
): Promise<string> {
  const what = change(b, random, people);
  const wanted = reservationBody(b, model, people);
  await replace(b, people, step, (current) => ({
    ...writableOf(current),
    subject: wanted.subject,
    start: wanted.start,
    end: wanted.end,
    // The rooms the receptionist wants, confirmed.
    lines: wanted.lines,
  }));
  return `${b.key}: reservation ${what}`;
}

async function workplaceOccurrence(
  b: Planned,
  model: Model,
  random: Random,
  people: People,
  step: Step,
): Promise<string> {
  const target = random.pick(model.openOccurrences(b));
  const cancel = random.chance(0.5);
  const subject = `${b.key} occurrence ${String(target.index)}`;
  const originalStart = local(target.start);
  await replace(b, people, step, (current) => ({
    ...writableOf(current),
    exceptions: [
      ...current.exceptions.filter((e) => e.originalStart !== originalStart),
      cancel
        ? { originalStart, cancelled: true }
        : { originalStart, start: local(target.start), end: local(target.end), subject },
    ],
  }));
  b.exceptions.set(target.index, cancel ? { cancelled: true } : { subject });
  return `${b.key}: Workplace occurrence ${String(target.index)} ${cancel ? 'cancelled' : 'renamed'}`;
}
