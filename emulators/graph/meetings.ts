import type { Directory, DirectoryUser } from './directory';
import { newChangeKey, type Attendee, type StoredEvent } from './event-model';
import type { EventStore } from './events';
import {
  expandForView,
  lastOccurrenceDate,
  occurrencesBetween,
  zoneOf,
  type ExceptionRecord,
} from './series';
import { DateTime } from 'luxon';

export interface MeetingOptions {
  /**
   * Exchange's Resource Booking Assistant answers invitations asynchronously (seconds in a real tenant);
   * the room's copy and the organizer's tracked response appear this long after the organizer's write.
   */
  processingDelayMs: number;
}

export const DEFAULT_MEETING_OPTIONS: MeetingOptions = { processingDelayMs: 50 };

export type Decision =
  /** `cutAt`: the last date of a series the room holds, when it runs past the booking window. */
  { accept: true; cutAt?: string } | { accept: false; reason: 'conflict' | 'bookingWindow' };

/**
 * What a room mailbox with AutomateProcessing=AutoAccept does with meetings that invite it: accept into
 * its own calendar (a copy with the meeting's iCalUId, its own id and changeKey, the organizer as
 * organizer, subject and body sanitised per DeleteSubject / AddOrganizerToSubject / DeleteComments), or
 * decline on a conflict or beyond the booking window, and record the response on the organizer's copy.
 * Organizer updates reach the copies; cancellations and removed rooms remove them.
 */
export class MeetingProcessor {
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly directory: Directory,
    private readonly store: EventStore,
    private readonly options: MeetingOptions,
  ) {}

  /** After the organizer created or changed a meeting (its copy in `mailbox`). */
  organizerChanged(mailbox: DirectoryUser, eventKey: string): void {
    this.later(() => {
      const event = this.store.byKey(eventKey);
      if (event?.isOrganizer) this.process(mailbox, event);
    });
  }

  /** After the organizer deleted or cancelled the meeting: every room's copy goes. */
  organizerRemoved(mailbox: DirectoryUser, event: StoredEvent): void {
    this.later(() => {
      for (const copy of this.copiesOf(event.iCalUId, mailbox)) this.removeCopy(copy);
    });
  }

  /** Resolves once every scheduled processing step has run. */
  async settle(): Promise<void> {
    while (this.pending.size > 0 || this.timers.size > 0) {
      await Promise.all(this.pending);
      if (this.timers.size > 0)
        await new Promise((resolve) => setTimeout(resolve, this.options.processingDelayMs));
    }
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private later(step: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = Promise.resolve().then(step);
      this.pending.add(run);
      void run.finally(() => this.pending.delete(run));
    }, this.options.processingDelayMs);
    this.timers.add(timer);
  }

  private copiesOf(iCalUId: string, organizerMailbox: DirectoryUser): StoredEvent[] {
    return this.store.withICalUId(iCalUId).filter((event) => event.mailboxId !== organizerMailbox.id);
  }

  private removeCopy(copy: StoredEvent): void {
    const owner = this.directory.find(copy.mailboxId);
    if (owner) this.store.delete(owner, copy);
  }

  private invitedRooms(organizer: DirectoryUser, event: StoredEvent): DirectoryUser[] {
    const rooms = new Map<string, DirectoryUser>();
    for (const attendee of event.attendees) {
      const user = this.directory.find(attendee.emailAddress.address);
      if (user?.kind === 'room' && user.id !== organizer.id) rooms.set(user.id, user);
    }
    return [...rooms.values()];
  }

  /**
   * The Resource Booking Assistant's verdict with Exchange's defaults: decline a start beyond
   * BookingWindowInDays, a series that runs past it (EnforceSchedulingHorizon on; off, the series is
   * accepted with "the number of meetings reduced so none occurs after the window", which the room's copy
   * holds as an end date), and any overlap with a busy item already in the room's calendar
   * (ConflictPercentageAllowed and MaximumConflictInstances 0), every occurrence of a series inside the
   * window checked.
   */
  decide(room: DirectoryUser, event: StoredEvent, existingCopy: StoredEvent | undefined): Decision {
    const policy = room.room;
    if (!policy) return { accept: true };
    const now = DateTime.utc();
    const windowEnd = now.plus({ days: policy.bookingWindowInDays });
    if (event.start > windowEnd) return { accept: false, reason: 'bookingWindow' };
    let cutAt: string | undefined;
    if (event.recurrence) {
      const lastDate = lastOccurrenceDate(event);
      const windowEndDate = windowEnd.setZone(zoneOf(event)).toISODate() ?? '';
      if (lastDate === undefined || lastDate > windowEndDate) {
        if (policy.enforceSchedulingHorizon) return { accept: false, reason: 'bookingWindow' };
        cutAt = windowEndDate;
      }
    }
    const accepted: Decision = cutAt === undefined ? { accept: true } : { accept: true, cutAt };
    if (policy.allowConflicts) return accepted;
    const slots = event.recurrence
      ? occurrencesBetween(event, now, windowEnd).map((o) => ({ start: o.start, end: o.end }))
      : [{ start: event.start, end: event.end }];
    const busy = this.store
      .inMailbox(room)
      .filter(
        (other) =>
          other !== existingCopy &&
          other.iCalUId !== event.iCalUId &&
          !other.isCancelled &&
          other.showAs !== 'free',
      )
      .flatMap((other) => expandForView(other, now.minus({ days: 1 }), windowEnd.plus({ days: 1 })));
    const conflict = slots.some((slot) =>
      busy.some((item) => item.start < slot.end && slot.start < item.end),
    );
    return conflict ? { accept: false, reason: 'conflict' } : accepted;
  }

  private subjectFor(room: DirectoryUser, event: StoredEvent): string {
    const policy = room.room;
    const organizerName = event.organizer.emailAddress.name;
    if (!policy) return event.subject;
    if (policy.addOrganizerToSubject)
      return policy.deleteSubject ? organizerName : `${organizerName} ${event.subject}`;
    return policy.deleteSubject ? '' : event.subject;
  }

  /**
   * The organizer's exceptions as the room's copy holds them: subjects sanitised like the master's, and a
   * changeKey of the copy's own that changes only when that exception changes.
   */
  private copyExceptions(
    room: DirectoryUser,
    event: StoredEvent,
    existing: StoredEvent | undefined,
  ): Map<string, ExceptionRecord> {
    const copies = new Map<string, ExceptionRecord>();
    for (const [date, exception] of event.exceptions) {
      const wanted = {
        start: exception.start,
        end: exception.end,
        subject:
          exception.subject === undefined
            ? undefined
            : this.subjectFor(room, { ...event, subject: exception.subject }),
        showAs: exception.showAs,
        sensitivity: exception.sensitivity,
      };
      const held = existing?.exceptions.get(date);
      const same =
        held !== undefined &&
        held.start.equals(wanted.start) &&
        held.end.equals(wanted.end) &&
        held.subject === wanted.subject &&
        held.showAs === wanted.showAs &&
        held.sensitivity === wanted.sensitivity;
      copies.set(
        date,
        same
          ? held
          : {
              ...wanted,
              changeKey: newChangeKey(),
              lastModifiedDateTime: new Date().toISOString(),
            },
      );
    }
    return copies;
  }

  private process(organizer: DirectoryUser, event: StoredEvent): void {
    const rooms = this.invitedRooms(organizer, event);
    const copies = this.copiesOf(event.iCalUId, organizer);
    for (const copy of copies) {
      if (!rooms.some((room) => room.id === copy.mailboxId)) this.removeCopy(copy);
    }
    const now = new Date().toISOString();
    const responses = new Map<string, Attendee['status']>();
    for (const room of rooms) {
      const existing = copies.find((copy) => copy.mailboxId === room.id);
      const decision = this.decide(room, event, existing);
      if (!decision.accept) {
        if (existing) this.removeCopy(existing);
        responses.set(room.email, { response: 'declined', time: now });
        continue;
      }
      const fields = {
        subject: this.subjectFor(room, event),
        body: { contentType: 'html' as const, content: '' },
        start: event.start,
        end: event.end,
        startTimeZone: event.startTimeZone,
        endTimeZone: event.endTimeZone,
        isAllDay: event.isAllDay,
        sensitivity: event.sensitivity,
        showAs: 'busy',
        importance: event.importance,
        location: event.location,
        locations: event.locations,
        attendees: event.attendees,
        recurrence:
          event.recurrence && decision.cutAt !== undefined
            ? {
                ...event.recurrence,
                range: { ...event.recurrence.range, type: 'endDate' as const, endDate: decision.cutAt },
              }
            : event.recurrence,
        exceptions: this.copyExceptions(room, event, existing),
        cancelled: event.cancelled,
      };
      if (existing) {
        this.store.update(room, existing, fields);
      } else {
        this.store.createCopy(room, event, {
          ...fields,
          isOrganizer: false,
          organizer: event.organizer,
          responseStatus: { response: 'accepted', time: now },
        });
      }
      responses.set(room.email, existing ? existing.responseStatus : { response: 'accepted', time: now });
    }
    this.recordResponses(organizer, event.key, responses);
  }

  /** Response tracking on the organizer's copy (a change of that item, with a new changeKey). */
  private recordResponses(
    organizer: DirectoryUser,
    key: string,
    responses: Map<string, Attendee['status']>,
  ): void {
    const current = this.store.byKey(key);
    if (!current) return;
    const attendees = current.attendees.map((attendee) => {
      const status = responses.get(attendee.emailAddress.address.toLowerCase());
      return !status || status.response === attendee.status.response ? attendee : { ...attendee, status };
    });
    const changed = attendees.some((attendee, index) => attendee !== current.attendees[index]);
    if (changed) this.store.update(organizer, current, { attendees });
  }

  /** An attendee's own answer (accept / tentativelyAccept / decline on its copy). */
  respond(
    attendee: DirectoryUser,
    copy: StoredEvent,
    response: 'accepted' | 'tentativelyAccepted' | 'declined',
  ): void {
    const time = new Date().toISOString();
    if (response === 'declined') this.store.delete(attendee, copy);
    else this.store.update(attendee, copy, { responseStatus: { response, time } });
    const organizerCopy = this.store.withICalUId(copy.iCalUId).find((event) => event.isOrganizer);
    const organizer = organizerCopy ? this.directory.find(organizerCopy.mailboxId) : undefined;
    if (organizerCopy && organizer)
      this.recordResponses(organizer, organizerCopy.key, new Map([[attendee.email, { response, time }]]));
  }
}
