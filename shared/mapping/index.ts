/** Graph event ↔ Booking ↔ Workplace reservation, pure. */
export { bookingFromGraphEvent, type GraphReadOptions } from './graph-event';
export {
  graphEventFromBooking,
  graphPatch,
  graphOccurrenceChanges,
  type GraphEventBody,
  type GraphAttendee,
  type GraphOccurrenceChange,
  type GraphWriteOptions,
} from './graph-write';
export {
  bookingFromReservation,
  reservationFromBooking,
  type RoomDirectory,
  type ReservationBody,
} from './reservation';
export { RESERVATION_ID_PROPERTY, RESPONSIBLE_PROPERTY } from '../graph/properties';
export type { MappingWarning, WarningSink } from './warnings';
