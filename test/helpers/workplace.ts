import type { Reservation, ReservationQuery, ReservationWrite } from '../../shared/workplace';

type Lister = { listReservations(query: ReservationQuery): AsyncIterable<Reservation> };

type SubjectMatch = string | ((subject: string) => boolean);

const matches = (match: SubjectMatch, subject: string): boolean =>
  typeof match === 'string' ? subject === match : match(subject);

/** Every reservation (of the query, all pages) whose subject matches. */
export async function reservationsNamed(
  workplace: Lister,
  subject: SubjectMatch,
  query: ReservationQuery = {},
): Promise<Reservation[]> {
  const found: Reservation[] = [];
  for await (const r of workplace.listReservations(query)) if (matches(subject, r.subject)) found.push(r);
  return found;
}

/** The first reservation whose subject matches, if any: what a test waits for after a change. */
export async function reservationNamed(
  workplace: Lister,
  subject: SubjectMatch,
  query: ReservationQuery = {},
): Promise<Reservation | undefined> {
  for await (const r of workplace.listReservations(query)) if (matches(subject, r.subject)) return r;
  return undefined;
}

/** The writable part of a reservation, to replace it with a change. */
export function writableOf(r: Reservation): ReservationWrite {
  return {
    subject: r.subject,
    start: r.start,
    end: r.end,
    timeZone: r.timeZone,
    responsible: r.responsible && { email: r.responsible.email, name: r.responsible.name ?? '' },
    participants: r.participants.map((p) => ({
      email: p.email,
      name: p.name ?? '',
      required: p.required ?? true,
    })),
    lines: r.lines,
    recurrence: r.recurrence,
    exceptions: r.exceptions,
  };
}
