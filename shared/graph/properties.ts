/**
 * Single-value extended properties roomsync writes on the events it creates (design §4). One GUID for the
 * service, one name per property; always this exact id string, because Graph matches names case-sensitively.
 */
// Lowercase, as Graph returns property ids whatever case they were written in.
const NAMESPACE = '{2b6a4c3e-8f0d-4c1b-9e27-5a1d7c9b3f60}';

/** The Workplace reservation id, so that a lost link can be rebuilt from Exchange alone. */
export const RESERVATION_ID_PROPERTY = `String ${NAMESPACE} Name RoomsyncReservationId`;

/**
 * The responsible person's e-mail on an event whose organizer is a room (Workplace-made bookings are
 * created in the room's calendar, so Exchange's organizer is the room, not the person).
 */
export const RESPONSIBLE_PROPERTY = `String ${NAMESPACE} Name RoomsyncResponsible`;
