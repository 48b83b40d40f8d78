/** The canonical booking, its fingerprint, and the errors the pure core raises. */
export {
  canonicalBooking,
  SENSITIVITIES,
  type Booking,
  type BookingException,
  type Attendee,
  type Person,
  type Sensitivity,
} from './booking';
export { fingerprint, canonicalForm, zoneKey } from './fingerprint';
export { InvalidBookingInput, UnsupportedRecurrence } from '../recurrence/errors';
export type { Side } from './side';
