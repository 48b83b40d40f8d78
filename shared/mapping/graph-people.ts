import { attendeeName, extendedProperty, organizerOf, type GraphEvent } from '../graph/event';
import { RESPONSIBLE_PROPERTY } from '../graph/properties';
import type { Attendee, Booking } from '../model/booking';
import type { WarningSink } from './warnings';

/** Who a Graph event books: its rooms, its people and the person responsible for it. */

type People = Pick<GraphEvent, 'attendees'>;

const addressOf = (a: NonNullable<GraphEvent['attendees']>[number]): string | undefined =>
  a.emailAddress?.address?.trim().toLowerCase() || undefined;

/** The mailbox the event was read from (booked whether or not it is an attendee) and the resource attendees. */
export function roomsOf(event: People, roomEmail: string | undefined): Set<string> {
  const rooms = new Set<string>();
  if (roomEmail) rooms.add(roomEmail.trim().toLowerCase());
  for (const a of event.attendees ?? []) {
    const email = addressOf(a);
    if (email && a.type?.toLowerCase() === 'resource') rooms.add(email);
  }
  return rooms;
}

/** The attendees who are not rooms; one without an address is skipped with a warning. */
export function peopleOf(event: People, rooms: Set<string>, warn: WarningSink): Attendee[] {
  const out: Attendee[] = [];
  (event.attendees ?? []).forEach((a, i) => {
    const email = addressOf(a);
    if (!email) {
      warn({
        code: 'attendeeWithoutAddress',
        path: `attendees.${String(i)}`,
        message: 'attendee without an address, skipped',
      });
      return;
    }
    if (rooms.has(email)) return;
    out.push({ email, name: a.emailAddress?.name ?? '', required: a.type?.toLowerCase() !== 'optional' });
  });
  return out;
}

/**
 * The booking's organizer: on a room-organized event (made from Workplace) the responsible person its
 * roomsync property names, otherwise Exchange's organizer.
 */
export function responsibleOf(
  event: Pick<GraphEvent, 'attendees' | 'organizer' | 'singleValueExtendedProperties'>,
): Booking['organizer'] {
  const responsible = extendedProperty(event, RESPONSIBLE_PROPERTY)?.trim().toLowerCase();
  if (responsible) return { email: responsible, name: attendeeName(event, responsible) };
  const email = organizerOf(event);
  return email ? { email, name: event.organizer?.emailAddress?.name ?? '' } : null;
}
