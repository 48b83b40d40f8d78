/**
 * The two ways a booking's input can be refused by the pure core. Both name where the problem is, so the
 * sync can record a conflict that an administrator can act on instead of a stack trace. They live here,
 * in the lowest layer of the core (recurrence ← model ← mapping), so that every layer may raise them and
 * no layer imports one above it; `shared/model` re-exports them.
 */

/** Input that is missing, malformed or contradictory; `path` names the field, e.g. `start.dateTime`. */
export class InvalidBookingInput extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'InvalidBookingInput';
  }
}

/**
 * A recurrence that is valid iCalendar but that Exchange cannot express; `part` names the rule part
 * (`FREQ`, `BYMONTHDAY`, …). roomsync refuses such series rather than silently changing them.
 */
export class UnsupportedRecurrence extends Error {
  constructor(
    readonly part: string,
    message: string,
  ) {
    super(`${part}: ${message}`);
    this.name = 'UnsupportedRecurrence';
  }
}

/**
 * A series with more occurrences in the window asked for than the core computes in one call (a work
 * budget that keeps every read of a booking fast). A kind of UnsupportedRecurrence: roomsync refuses to
 * sync it rather than block on it.
 */
export class RecurrenceTooLarge extends UnsupportedRecurrence {
  constructor(message: string) {
    super('window', message);
    this.name = 'RecurrenceTooLarge';
  }
}
