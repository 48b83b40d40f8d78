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
import { applySelect, page, parseQuery } from './odata';
import { readPreferences, type Preferences } from './prefer';
import type { MeetingProcessor } from './meetings';
import type { Reply, RequestContext, Router } from './router';
import { fromInstant } from './time';

export type ChangeType = 'created' | 'updated' | 'deleted';

/** What Exchange itself may change on an item (beyond what a client may write). */
export type InternalChanges = Omit<EventChanges, 'extendedProperties'> &
  Partial<Pick<StoredEvent, 'organizer' | 'isOrganizer' | 'responseStatus' | 'isCancelled'>> & {
    extendedProperties?: { id: string; value: string }[];
  };
export type ChangeListener = (change: {
  changeType: ChangeType;
  mailbox: DirectoryUser;
  event: StoredEvent;
}) => void;

/** Every property `$select` may name (those Graph returns for an event). */
export const SELECTABLE: ReadonlySet<string> = new Set([
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
    const key = decodeId(id);
    const event = key === undefined ? undefined : this.events.get(key);
    if (!event || event.mailboxId !== mailbox.id) {
      throw key === undefined
        ? new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.')
        : notFound();
    }
    return event;
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
    const { extendedProperties, ...rest } = changes;
    const event: StoredEvent = {
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
      extendedProperties: new Map((extendedProperties ?? []).map((p) => [p.id, p])),
      ...rest,
    };
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
    const { extendedProperties, transactionId: _ignored, ...rest } = changes;
    const next: StoredEvent = { ...event, ...rest, extendedProperties: new Map(event.extendedProperties) };
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

function etagMatches(header: string | string[] | undefined, event: StoredEvent): boolean {
  if (header === undefined) return true;
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  return (
    value === '*' ||
    value === `W/"${event.changeKey}"` ||
    value === `"${event.changeKey}"` ||
    value === event.changeKey
  );
}

function ifMatch(ctx: RequestContext, event: StoredEvent): void {
  if (!etagMatches(ctx.headers['if-match'], event)) {
    throw new GraphError(
      412,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
    );
  }
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

  function get(ctx: RequestContext): Reply {
    const mailbox = directory.mailbox(ctx.params.user ?? '');
    const prefs = readPreferences(ctx.headers);
    const query = parseQuery(ctx.url.searchParams, SELECTABLE, normalizeExtendedPropertyId);
    const event = store.get(mailbox, ctx.params.id ?? '');
    return {
      status: 200,
      headers: preferenceApplied(prefs),
      body: {
        '@odata.context': context(mailbox, '/$entity'),
        ...applySelect(renderEvent(event, prefs, query.expandExtendedProperties), query.select),
      },
    };
  }

  function update(ctx: RequestContext): Reply {
    const mailbox = directory.mailbox(ctx.params.user ?? '');
    const prefs = readPreferences(ctx.headers);
    const event = store.get(mailbox, ctx.params.id ?? '');
    ifMatch(ctx, event);
    const changes = readEventBody(ctx.json());
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
    const event = store.get(mailbox, ctx.params.id ?? '');
    ifMatch(ctx, event);
    store.delete(mailbox, event);
    if (event.isOrganizer) meetings.organizerRemoved(mailbox, event);
    return { status: 204 };
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
      .add('POST', `${base}/{id}/cancel`, cancel);
  }
}
