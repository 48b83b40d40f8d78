import type { Directory, DirectoryUser } from './directory';
import { GraphError, notFound } from './errors';
import {
  checkTimes,
  newChangeKey,
  newEventKey,
  newICalUId,
  normalizeExtendedPropertyId,
  NO_RESPONSE_TIME,
  readEventBody,
  type EventChanges,
  type StoredEvent,
} from './event-model';
import { decodeId, encodeId } from './ids';
import { RecurrenceError, normalizeRecurrence, type PatternedRecurrence } from './recurrence';
import {
  checkAdjacency,
  masterStartDate,
  occurrencesBetween,
  originalStart,
  parseOccurrenceKey,
  renderOccurrence,
  requireOccurrence,
  lastOccurrenceDate,
  type ExceptionRecord,
  type Occurrence,
} from './series';
import { readWindow } from './calendar-view';
import { applySelect, page, parseQuery, type QueryOptions } from './odata';
import { readPreferences, type Preferences } from './prefer';
import type { MeetingProcessor } from './meetings';
import type { Reply, RequestContext, Router } from './router';
import { fromInstant } from './time';

export type ChangeType = 'created' | 'updated' | 'deleted';

/** What Exchange itself may change on an item (beyond what a client may write). */
export type InternalChanges = Omit<EventChanges, 'extendedProperties'> &
  Partial<
    Pick<
      StoredEvent,
      | 'organizer'
      | 'isOrganizer'
      | 'responseStatus'
      | 'isCancelled'
      | 'recurrence'
      | 'exceptions'
      | 'cancelled'
    >
  > & {
    extendedProperties?: { id: string; value: string }[];
  };

function recurrenceError(err: unknown): never {
  if (err instanceof RecurrenceError) throw new GraphError(400, err.code, err.message);
  throw err;
}

/**
 * Applies a client's `recurrence` to an event: validated and normalised against the event's zone, with a
 * range that must start on the date the event starts (as Graph requires).
 */
function withRecurrence(event: StoredEvent, input: unknown): StoredEvent {
  if (input === undefined) return event;
  if (input === null) return { ...event, recurrence: null, exceptions: new Map(), cancelled: new Set() };
  let recurrence: PatternedRecurrence;
  try {
    recurrence = normalizeRecurrence(input, event.startTimeZone);
  } catch (err) {
    recurrenceError(err);
  }
  const startDate = masterStartDate(event);
  if (recurrence.range.startDate !== startDate) {
    throw new GraphError(
      400,
      'ErrorPropertyValidationFailure',
      `The recurrence range start date '${recurrence.range.startDate}' must be the date the event starts ('${startDate}').`,
    );
  }
  return { ...event, recurrence };
}

/**
 * What a master's change does to its exceptions: a new pattern, start or time re-bases the series and
 * Exchange drops every exception and cancellation; a changed end of range keeps those still inside it.
 */
function rebase(before: StoredEvent, after: StoredEvent): StoredEvent {
  if (!after.recurrence || !before.recurrence) return after;
  const sameSlots =
    before.start.equals(after.start) &&
    before.end.equals(after.end) &&
    JSON.stringify(before.recurrence.pattern) === JSON.stringify(after.recurrence.pattern) &&
    before.recurrence.range.startDate === after.recurrence.range.startDate;
  if (!sameSlots) return { ...after, exceptions: new Map(), cancelled: new Set() };
  const lastDate = lastOccurrenceDate(after);
  const inRange = (date: string): boolean => lastDate === undefined || date <= lastDate;
  return {
    ...after,
    exceptions: new Map([...after.exceptions].filter(([date]) => inRange(date))),
    cancelled: new Set([...after.cancelled].filter(inRange)),
  };
}
export type ChangeListener = (change: {
  changeType: ChangeType;
  mailbox: DirectoryUser;
  event: StoredEvent;
}) => void;

/** Every property `$select` may name (those Graph returns for an event). */
export const SELECTABLE: ReadonlySet<string> = new Set([
  // Always returned; naming it in $select is allowed, as in Graph.
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'transactionId',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'iCalUId',
  'reminderMinutesBeforeStart',
  'isReminderOn',
  'hasAttachments',
  'subject',
  'bodyPreview',
  'importance',
  'sensitivity',
  'isAllDay',
  'isCancelled',
  'isOrganizer',
  'responseRequested',
  'seriesMasterId',
  'showAs',
  'type',
  'webLink',
  'onlineMeetingUrl',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'allowNewTimeProposals',
  'isDraft',
  'hideAttendees',
  'responseStatus',
  'body',
  'start',
  'end',
  'location',
  'locations',
  'recurrence',
  'attendees',
  'organizer',
  'onlineMeeting',
  'cancelledOccurrences',
]);

/** The events of every mailbox, and what changed (for subscriptions and delta). */
export class EventStore {
  private readonly events = new Map<string, StoredEvent>();
  private readonly listeners: ChangeListener[] = [];

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  private emit(changeType: ChangeType, mailbox: DirectoryUser, event: StoredEvent): void {
    for (const listener of this.listeners) listener({ changeType, mailbox, event });
  }

  byKey(key: string): StoredEvent | undefined {
    return this.events.get(key);
  }

  /** Every copy of one meeting, across mailboxes. */
  withICalUId(iCalUId: string): StoredEvent[] {
    return [...this.events.values()].filter((event) => event.iCalUId === iCalUId);
  }

  inMailbox(mailbox: DirectoryUser): StoredEvent[] {
    return [...this.events.values()].filter((event) => event.mailboxId === mailbox.id);
  }

  /** The event an id names in this mailbox; Exchange's 404 for an id of another mailbox or a deleted item. */
  get(mailbox: DirectoryUser, id: string): StoredEvent {
    const { event, occurrenceDate } = this.resolve(mailbox, id);
    if (occurrenceDate !== undefined) throw notFound();
    return event;
  }

  /** An id of an event, or of one occurrence of a series (the master and the occurrence's original date). */
  resolve(mailbox: DirectoryUser, id: string): { event: StoredEvent; occurrenceDate?: string } {
    const key = decodeId(id);
    if (key === undefined) throw new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
    const occurrence = parseOccurrenceKey(key);
    const event = this.events.get(occurrence?.masterKey ?? key);
    if (!event || event.mailboxId !== mailbox.id) throw notFound();
    if (!occurrence) return { event };
    if (!event.recurrence) throw notFound();
    requireOccurrence(event, occurrence.date);
    return { event, occurrenceDate: occurrence.date };
  }

  create(
    mailbox: DirectoryUser,
    changes: InternalChanges,
    iCalUId = newICalUId(),
  ): { event: StoredEvent; created: boolean } {
    if (changes.transactionId) {
      // A retried create with the same transactionId returns the event already made, not a second one.
      const existing = this.inMailbox(mailbox).find((event) => event.transactionId === changes.transactionId);
      if (existing) return { event: existing, created: false };
    }
    if (!changes.start || !changes.end) {
      throw new GraphError(
        400,
        'ErrorInvalidRequest',
        `Your request can't be completed. The ${changes.start ? 'end' : 'start'} property is required.`,
      );
    }
    const now = new Date().toISOString();
    const { extendedProperties, recurrenceInput, named: _named, ...rest } = changes;
    const draft: StoredEvent = {
      key: newEventKey(),
      mailboxId: mailbox.id,
      createdDateTime: now,
      lastModifiedDateTime: now,
      changeKey: newChangeKey(),
      iCalUId,
      transactionId: null,
      subject: '',
      body: { contentType: 'text', content: '' },
      start: changes.start,
      end: changes.end,
      startTimeZone: 'UTC',
      endTimeZone: 'UTC',
      isAllDay: false,
      sensitivity: 'normal',
      showAs: 'busy',
      importance: 'normal',
      categories: [],
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
      responseRequested: true,
      allowNewTimeProposals: true,
      hideAttendees: false,
      isOnlineMeeting: false,
      location: { displayName: '', locationType: 'default', uniqueIdType: 'unknown' },
      locations: [],
      attendees: [],
      organizer: { emailAddress: { name: mailbox.displayName, address: mailbox.email } },
      isOrganizer: true,
      responseStatus: { response: 'organizer', time: NO_RESPONSE_TIME },
      isCancelled: false,
      recurrence: null,
      exceptions: new Map(),
      cancelled: new Set(),
      extendedProperties: new Map((extendedProperties ?? []).map((p) => [p.id, p])),
      ...rest,
    };
    const event = withRecurrence(draft, recurrenceInput);
    checkTimes(event);
    this.events.set(event.key, event);
    this.emit('created', mailbox, event);
    return { event, created: true };
  }

  /** An attendee's copy of `meeting`, as its mailbox receives it: same iCalUId, its own id and changeKey. */
  createCopy(mailbox: DirectoryUser, meeting: StoredEvent, changes: InternalChanges): StoredEvent {
    const { event } = this.create(mailbox, { ...changes, transactionId: null }, meeting.iCalUId);
    return event;
  }

  update(mailbox: DirectoryUser, event: StoredEvent, changes: InternalChanges): StoredEvent {
    const { extendedProperties, transactionId: _ignored, recurrenceInput, named: _named, ...rest } = changes;
    const next = rebase(
      event,
      withRecurrence(
        { ...event, ...rest, extendedProperties: new Map(event.extendedProperties) },
        recurrenceInput,
      ),
    );
    for (const property of extendedProperties ?? []) next.extendedProperties.set(property.id, property);
    checkTimes(next);
    next.changeKey = newChangeKey();
    next.lastModifiedDateTime = new Date().toISOString();
    this.events.set(next.key, next);
    this.emit('updated', mailbox, next);
    return next;
  }

  delete(mailbox: DirectoryUser, event: StoredEvent): void {
    this.events.delete(event.key);
    this.emit('deleted', mailbox, event);
  }

  clear(): void {
    this.events.clear();
  }
}

function bodyPreview(body: StoredEvent['body']): string {
  const text = body.contentType === 'html' ? body.content.replace(/<[^>]*>/g, ' ') : body.content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

/** An event as Graph renders it, in Graph's property order, times in the preferred zone (UTC by default). */
export function renderEvent(
  event: StoredEvent,
  prefs: Preferences,
  expandIds?: readonly string[],
): Record<string, unknown> {
  const id = encodeId(event.key, prefs.idType);
  const zone = prefs.timeZone ?? 'UTC';
  const resource: Record<string, unknown> = {
    '@odata.etag': `W/"${event.changeKey}"`,
    id,
    createdDateTime: event.createdDateTime,
    lastModifiedDateTime: event.lastModifiedDateTime,
    changeKey: event.changeKey,
    categories: event.categories,
    ...(event.transactionId ? { transactionId: event.transactionId } : { transactionId: null }),
    originalStartTimeZone: event.startTimeZone,
    originalEndTimeZone: event.endTimeZone,
    iCalUId: event.iCalUId,
    reminderMinutesBeforeStart: event.reminderMinutesBeforeStart,
    isReminderOn: event.isReminderOn,
    hasAttachments: false,
    subject: event.subject,
    bodyPreview: bodyPreview(event.body),
    importance: event.importance,
    sensitivity: event.sensitivity,
    isAllDay: event.isAllDay,
    isCancelled: event.isCancelled,
    isOrganizer: event.isOrganizer,
    responseRequested: event.responseRequested,
    seriesMasterId: null,
    showAs: event.showAs,
    type: event.recurrence ? 'seriesMaster' : 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: event.isOnlineMeeting,
    onlineMeetingProvider: 'unknown',
    allowNewTimeProposals: event.allowNewTimeProposals,
    isDraft: false,
    hideAttendees: event.hideAttendees,
    responseStatus: event.responseStatus,
    body: event.body,
    start: fromInstant(event.start, zone),
    end: fromInstant(event.end, zone),
    location: event.location,
    locations: event.locations,
    recurrence: event.recurrence,
    attendees: event.attendees,
    organizer: event.organizer,
    onlineMeeting: null,
  };
  if (expandIds) {
    const matching = expandIds
      .map((wanted) => event.extendedProperties.get(wanted))
      .filter((p) => p !== undefined);
    // Graph omits the collection entirely when none of the requested properties is set.
    if (matching.length > 0) resource.singleValueExtendedProperties = matching;
  }
  return resource;
}

function etagMatches(header: string | string[] | undefined, changeKey: string): boolean {
  if (header === undefined) return true;
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  return value === '*' || value === `W/"${changeKey}"` || value === `"${changeKey}"` || value === changeKey;
}

function staleChangeKey(): GraphError {
  return new GraphError(
    412,
    'ErrorIrresolvableConflict',
    'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
  );
}

/** The occurrence on an original date, exception applied, wherever it lies. */
function occurrenceOn(master: StoredEvent, date: string): Occurrence {
  const exception = master.exceptions.get(date);
  const start = exception?.start ?? originalStart(master, date);
  return {
    date,
    start,
    end: exception?.end ?? start.plus({ milliseconds: master.end.toMillis() - master.start.toMillis() }),
    exception,
  };
}

const OCCURRENCE_WRITABLE = new Set(['subject', 'start', 'end', 'showAs', 'sensitivity']);

/** A PATCH of one occurrence makes (or changes) its exception; the master keeps the pattern. */
function withException(
  master: StoredEvent,
  date: string,
  changes: EventChanges,
): Map<string, ExceptionRecord> {
  const unsupported = (changes.named ?? []).filter((name) => !OCCURRENCE_WRITABLE.has(name));
  if (unsupported.includes('recurrence'))
    throw new GraphError(
      400,
      'ErrorInvalidRequest',
      'The recurrence of an occurrence cannot be set; change the series master.',
    );
  if (unsupported.length > 0) {
    throw new GraphError(
      400,
      'NotSupported',
      `The emulator changes only ${[...OCCURRENCE_WRITABLE].join(', ')} on an occurrence; got ${unsupported.join(', ')}.`,
    );
  }
  const current = occurrenceOn(master, date);
  const start = changes.start ?? current.start;
  const end =
    changes.end ??
    (changes.start
      ? start.plus({ milliseconds: current.end.toMillis() - current.start.toMillis() })
      : current.end);
  if (end < start)
    throw new GraphError(
      400,
      'ErrorCalendarEndDateIsEarlierThanStartDate',
      'The end date occurs before the start date.',
    );
  if (!start.equals(current.start)) checkAdjacency(master, date, start);
  const previous = master.exceptions.get(date);
  const exception: ExceptionRecord = {
    ...previous,
    changeKey: newChangeKey(),
    lastModifiedDateTime: new Date().toISOString(),
    start,
    end,
    ...(changes.subject !== undefined ? { subject: changes.subject } : {}),
    ...(changes.showAs !== undefined ? { showAs: changes.showAs } : {}),
    ...(changes.sensitivity !== undefined ? { sensitivity: changes.sensitivity } : {}),
  };
  return new Map(master.exceptions).set(date, exception);
}

function preferenceApplied(prefs: Preferences): Record<string, string> {
  const applied: string[] = [];
  if (prefs.timeZone) applied.push(`outlook.timezone="${prefs.timeZone}"`);
  if (prefs.idType === 'immutable') applied.push('IdType="ImmutableId"');
  return applied.length > 0 ? { 'Preference-Applied': applied.join(', ') } : {};
}

/** Registers `/users/{user}/events` and `/users/{user}/calendar/events` and their items. */
export function registerEventRoutes(
  router: Router,
  directory: Directory,
  store: EventStore,
  meetings: MeetingProcessor,
): void {
  const context = (mailbox: DirectoryUser, suffix = ''): string =>
    `https://graph.microsoft.com/v1.0/$metadata#users('${mailbox.email}')/events${suffix}`;

  function list(ctx: RequestContext): Reply {
    const mailbox = directory.mailbox(ctx.params.user ?? '');
    const prefs = readPreferences(ctx.headers);
    const query = parseQuery(ctx.url.searchParams, SELECTABLE, normalizeExtendedPropertyId);
    let events = store.inMailbox(mailbox);
    const filter = query.extendedPropertyFilter;
    if (filter) {
      events = events.filter((event) => {
        const property = event.extendedProperties.get(filter.id);
        return (
          property !== undefined &&
          (filter.value === undefined || property.value.toLowerCase() === filter.value.toLowerCase())
        );
      });
    }
    if (query.iCalUIdFilter !== undefined)
      events = events.filter((event) => event.iCalUId === query.iCalUIdFilter);
    events.sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime) || a.key.localeCompare(b.key));
    const { items, nextLink } = page(events, query, ctx.url, 10, prefs.maxPageSize);
    return {
      status: 200,
      headers: preferenceApplied(prefs),
      body: {
        '@odata.context': context(mailbox),
        value: items.map((event) =>
          applySelect(renderEvent(event, prefs, query.expandExtendedProperties), query.select),
        ),
        ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
      },
    };
  }

  function create(ctx: RequestContext): Reply {
    const mailbox = directory.mailbox(ctx.params.user ?? '');
    const prefs = readPreferences(ctx.headers);
    const { event, created } = store.create(mailbox, readEventBody(ctx.json()));
    if (created) meetings.organizerChanged(mailbox, event.key);
    return {
      status: 201,
      headers: preferenceApplied(prefs),
      body: { '@odata.context': context(mailbox, '/$entity'), ...renderEvent(event, prefs) },
    };
  }

  /** A master's extras: `cancelledOccurrences` only when selected, `exceptionOccurrences` only when expanded. */
  function renderWithExtras(
    event: StoredEvent,
    prefs: Preferences,
    query: QueryOptions,
  ): Record<string, unknown> {
    const resource = renderEvent(event, prefs, query.expandExtendedProperties);
    if (event.recurrence && query.select?.has('cancelledOccurrences')) {
      const masterId = encodeId(event.key, prefs.idType);
      resource.cancelledOccurrences = [...event.cancelled].sort().map((date) => `OID.${masterId}.${date}`);
    }
    if (event.recurrence && query.expandExceptionOccurrences) {
      resource.exceptionOccurrences = [...event.exceptions.keys()]
        .sort()
        .map((date) => renderOccurrence(event, occurrenceOn(event, date), prefs));
    }
    return applySelect(resource, query.select);
  }

  function get(ctx: RequestContext): Reply {
    const mailbox = directory.mailbox(ctx.params.user ?? '');
    const prefs = readPreferences(ctx.headers);
    const query = parseQuery(ctx.url.searchParams, SELECTABLE, normalizeExtendedPropertyId);
    const { event, occurrenceDate } = store.resolve(mailbox, ctx.params.id ?? '');
    const body =
      occurrenceDate === undefined
        ? renderWithExtras(event, prefs, query)
        : applySelect(renderOccurrence(event, occurrenceOn(event, occurrenceDate), prefs), query.select);
    return {
      status: 200,
      headers: preferenceApplied(prefs),
      body: { '@odata.context': context(mailbox, '/$entity'), ...body },
    };
  }

  function update(ctx: RequestContext): Reply {
    const mailbox = directory.mailbox(ctx.params.user ?? '');
    const prefs = readPreferences(ctx.headers);
    const { event, occurrenceDate } = store.resolve(mailbox, ctx.params.id ?? '');
    const changes = readEventBody(ctx.json());
    if (occurrenceDate !== undefined) {
      const occurrence = occurrenceOn(event, occurrenceDate);
      if (!etagMatches(ctx.headers['if-match'], occurrence.exception?.changeKey ?? event.changeKey))
        throw staleChangeKey();
      const master = store.update(mailbox, event, {
        exceptions: withException(event, occurrenceDate, changes),
      });
      if (master.isOrganizer) meetings.organizerChanged(mailbox, master.key);
      return {
        status: 200,
        headers: preferenceApplied(prefs),
        body: {
          '@odata.context': context(mailbox, '/$entity'),
          ...renderOccurrence(master, occurrenceOn(master, occurrenceDate), prefs),
        },
      };
    }
    if (!etagMatches(ctx.headers['if-match'], event.changeKey)) throw staleChangeKey();
    const updated = store.update(mailbox, event, changes);
    if (updated.isOrganizer) meetings.organizerChanged(mailbox, updated.key);
    return {
      status: 200,
      headers: preferenceApplied(prefs),
      body: { '@odata.context': context(mailbox, '/$entity'), ...renderEvent(updated, prefs) },
    };
  }

  function remove(ctx: RequestContext): Reply {
    const mailbox = directory.mailbox(ctx.params.user ?? '');
    const { event, occurrenceDate } = store.resolve(mailbox, ctx.params.id ?? '');
    if (occurrenceDate !== undefined) {
      // Cancelling one occurrence changes the master (and is notified as an update of the master).
      const exceptions = new Map(event.exceptions);
      exceptions.delete(occurrenceDate);
      const master = store.update(mailbox, event, {
        exceptions,
        cancelled: new Set([...event.cancelled, occurrenceDate]),
      });
      if (master.isOrganizer) meetings.organizerChanged(mailbox, master.key);
      return { status: 204 };
    }
    if (!etagMatches(ctx.headers['if-match'], event.changeKey)) throw staleChangeKey();
    store.delete(mailbox, event);
    if (event.isOrganizer) meetings.organizerRemoved(mailbox, event);
    return { status: 204 };
  }

  function instances(ctx: RequestContext): Reply {
    const mailbox = directory.mailbox(ctx.params.user ?? '');
    const prefs = readPreferences(ctx.headers);
    const { from, to } = readWindow(ctx.url.searchParams);
    const query = parseQuery(ctx.url.searchParams, SELECTABLE, normalizeExtendedPropertyId);
    const event = store.get(mailbox, ctx.params.id ?? '');
    const items = event.recurrence ? occurrencesBetween(event, from, to) : [];
    const { items: pageItems, nextLink } = page(items, query, ctx.url, 10, prefs.maxPageSize);
    return {
      status: 200,
      headers: preferenceApplied(prefs),
      body: {
        '@odata.context': context(mailbox, `('${encodeId(event.key, prefs.idType)}')/instances`),
        value: pageItems.map((occurrence) =>
          applySelect(renderOccurrence(event, occurrence, prefs), query.select),
        ),
        ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
      },
    };
  }

  /** accept / tentativelyAccept / decline: an attendee's answer on its own copy. */
  function respond(response: 'accepted' | 'tentativelyAccepted' | 'declined') {
    return (ctx: RequestContext): Reply => {
      const mailbox = directory.mailbox(ctx.params.user ?? '');
      const event = store.get(mailbox, ctx.params.id ?? '');
      if (event.isOrganizer) {
        throw new GraphError(
          400,
          'ErrorInvalidRequest',
          "Your request can't be completed. You can't respond to this meeting because you're the meeting organizer.",
        );
      }
      meetings.respond(mailbox, event, response);
      return { status: 202 };
    };
  }

  /** cancel: the organizer cancels the meeting for everyone; it leaves the organizer's calendar too. */
  function cancel(ctx: RequestContext): Reply {
    const mailbox = directory.mailbox(ctx.params.user ?? '');
    const event = store.get(mailbox, ctx.params.id ?? '');
    if (!event.isOrganizer)
      throw new GraphError(400, 'ErrorAccessDenied', 'You need to be an organizer to cancel a meeting.');
    store.delete(mailbox, event);
    meetings.organizerRemoved(mailbox, event);
    return { status: 202 };
  }

  for (const base of ['/users/{user}/events', '/users/{user}/calendar/events']) {
    router.add('GET', base, list).add('POST', base, create);
    router
      .add('GET', `${base}/{id}`, get)
      .add('PATCH', `${base}/{id}`, update)
      .add('DELETE', `${base}/{id}`, remove)
      .add('POST', `${base}/{id}/accept`, respond('accepted'))
      .add('POST', `${base}/{id}/tentativelyAccept`, respond('tentativelyAccepted'))
      .add('POST', `${base}/{id}/decline`, respond('declined'))
      .add('POST', `${base}/{id}/cancel`, cancel)
      .add('GET', `${base}/{id}/instances`, instances);
  }
}
