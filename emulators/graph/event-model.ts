import { randomBytes, randomUUID } from './entropy';
import type { DateTime } from 'luxon';
import { GraphError, badRequest } from './errors';
import type { PatternedRecurrence } from './recurrence';
import type { ExceptionRecord } from './series';
import { ianaZone, toInstant, type DateTimeTimeZone } from './time';

/** One copy of an event in one mailbox, as Exchange stores it. */
export interface StoredEvent {
  key: string;
  mailboxId: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  iCalUId: string;
  transactionId: string | null;
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  start: DateTime;
  end: DateTime;
  /** The zone names the client gave, kept for originalStartTimeZone / originalEndTimeZone. */
  startTimeZone: string;
  endTimeZone: string;
  isAllDay: boolean;
  sensitivity: string;
  showAs: string;
  importance: string;
  categories: string[];
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  responseRequested: boolean;
  allowNewTimeProposals: boolean;
  hideAttendees: boolean;
  isOnlineMeeting: boolean;
  location: Location;
  locations: Location[];
  attendees: Attendee[];
  organizer: Recipient;
  isOrganizer: boolean;
  responseStatus: ResponseStatus;
  isCancelled: boolean;
  /** Normalised as Graph returns it; null for a single instance. */
  recurrence: PatternedRecurrence | null;
  /** A series' changed occurrences, by original local date (YYYY-MM-DD in the series' zone). */
  exceptions: Map<string, ExceptionRecord>;
  /** A series' cancelled occurrences, by original local date. */
  cancelled: Set<string>;
  /** Single-value extended properties by normalised id. */
  extendedProperties: Map<string, { id: string; value: string }>;
}

export interface EmailAddress {
  name: string;
  address: string;
}
export interface Recipient {
  emailAddress: EmailAddress;
}
export interface ResponseStatus {
  response: 'none' | 'organizer' | 'tentativelyAccepted' | 'accepted' | 'declined' | 'notResponded';
  time: string;
}
export interface Attendee extends Recipient {
  type: 'required' | 'optional' | 'resource';
  status: ResponseStatus;
}
export interface Location {
  displayName: string;
  locationType: string;
  uniqueId?: string;
  uniqueIdType: string;
  locationEmailAddress?: string;
}

export const NO_RESPONSE_TIME = '0001-01-01T00:00:00Z';
const EMPTY_LOCATION: Location = { displayName: '', locationType: 'default', uniqueIdType: 'unknown' };

export function newChangeKey(): string {
  return randomBytes(16).toString('base64');
}

/** Exchange's iCalUId shape: a fixed Outlook prefix, then a per-meeting part. */
export function newICalUId(): string {
  return `040000008200E00074C5B7101A82E00800000000${randomBytes(8).toString('hex').toUpperCase()}00000000000000001000000${randomBytes(16).toString('hex').toUpperCase()}`;
}

const WRITABLE = new Set([
  'subject',
  'body',
  'start',
  'end',
  'isAllDay',
  'sensitivity',
  'showAs',
  'importance',
  'categories',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'responseRequested',
  'allowNewTimeProposals',
  'hideAttendees',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'location',
  'locations',
  'attendees',
  'recurrence',
  'transactionId',
  'singleValueExtendedProperties',
]);
// Properties of the event type that a client may send but Exchange computes; they are ignored.
const READ_ONLY = new Set([
  'id',
  '@odata.etag',
  '@odata.type',
  'changeKey',
  'createdDateTime',
  'lastModifiedDateTime',
  'iCalUId',
  'organizer',
  'isOrganizer',
  'responseStatus',
  'type',
  'seriesMasterId',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'bodyPreview',
  'webLink',
  'hasAttachments',
  'isCancelled',
  'isDraft',
  'onlineMeeting',
  'onlineMeetingUrl',
  'originalStart',
]);

const ENUMS: Record<string, readonly string[]> = {
  sensitivity: ['normal', 'personal', 'private', 'confidential'],
  showAs: ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'],
  importance: ['low', 'normal', 'high'],
};

function odataTypeError(property: string, expected: string): GraphError {
  return badRequest(
    `Cannot convert the value of property '${property}' to the expected type '${expected}'.`,
    'RequestBodyRead',
  );
}

function asObject(value: unknown, property: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw odataTypeError(property, 'object');
  return value as Record<string, unknown>;
}

function asString(value: unknown, property: string): string {
  if (typeof value !== 'string') throw odataTypeError(property, 'Edm.String');
  return value;
}

function asArray<T>(
  value: unknown,
  property: string,
  type: string,
  item: (entry: unknown, path: string) => T,
): T[] {
  if (!Array.isArray(value)) throw odataTypeError(property, `Collection(${type})`);
  return value.map((entry: unknown, index) => item(entry, `${property}[${index}]`));
}

function asBoolean(value: unknown, property: string): boolean {
  if (typeof value !== 'boolean') throw odataTypeError(property, 'Edm.Boolean');
  return value;
}

function asDateTimeTimeZone(value: unknown, property: string): DateTimeTimeZone {
  const object = asObject(value, property);
  return {
    dateTime: asString(object.dateTime, `${property}.dateTime`),
    timeZone: asString(object.timeZone ?? 'UTC', `${property}.timeZone`),
  };
}

function asEmailAddress(value: unknown, property: string): EmailAddress {
  const object = asObject(value, property);
  const address = asString(object.address, `${property}.address`).trim();
  if (!/^[^@\s]+@[^@\s]+$/.test(address))
    throw badRequest(
      `The address '${address}' in '${property}' is not a valid SMTP address.`,
      'ErrorInvalidRecipients',
    );
  return { address, name: typeof object.name === 'string' ? object.name : address };
}

function asLocation(value: unknown, property: string): Location {
  const object = asObject(value, property);
  return {
    ...EMPTY_LOCATION,
    displayName: typeof object.displayName === 'string' ? object.displayName : '',
    locationType: typeof object.locationType === 'string' ? object.locationType : 'default',
    ...(typeof object.uniqueId === 'string'
      ? {
          uniqueId: object.uniqueId,
          uniqueIdType: typeof object.uniqueIdType === 'string' ? object.uniqueIdType : 'private',
        }
      : {}),
    ...(typeof object.locationEmailAddress === 'string'
      ? { locationEmailAddress: object.locationEmailAddress }
      : {}),
  };
}

/** Extended property ids: `{Type} {GUID} Name {name}`, `{Type} {GUID} Id 0x…`, or `{Type} 0x…`; type and GUID case-insensitive. */
export function normalizeExtendedPropertyId(id: string): string {
  const named = /^(\w+)\s+\{([0-9a-f-]{36})\}\s+(Name|Id)\s+(.+)$/i.exec(id.trim());
  if (named) {
    const [, type = '', guid = '', kind = '', name = ''] = named;
    return `${type.charAt(0).toUpperCase()}${type.slice(1).toLowerCase()} {${guid.toLowerCase()}} ${kind.charAt(0).toUpperCase()}${kind.slice(1).toLowerCase()} ${name}`;
  }
  const tagged = /^(\w+)\s+(0x[0-9a-f]+)$/i.exec(id.trim());
  if (tagged) return `${tagged[1] ?? ''} ${(tagged[2] ?? '').toLowerCase()}`;
  throw badRequest(`The value '${id}' is not a valid extended property id.`, 'ErrorInvalidProperty');
}

function asAttendee(value: unknown, path: string): Attendee {
  const object = asObject(value, path);
  const type = object.type ?? 'required';
  if (type !== 'required' && type !== 'optional' && type !== 'resource') {
    throw odataTypeError(`${path}.type`, 'microsoft.graph.attendeeType');
  }
  return {
    type,
    emailAddress: asEmailAddress(object.emailAddress, `${path}.emailAddress`),
    status: { response: 'none', time: NO_RESPONSE_TIME },
  };
}

function asExtendedProperty(value: unknown, path: string): { id: string; value: string } {
  const object = asObject(value, path);
  return {
    id: normalizeExtendedPropertyId(asString(object.id, `${path}.id`)),
    value: asString(object.value, `${path}.value`),
  };
}

export type EventChanges = Partial<
  Omit<
    StoredEvent,
    | 'key'
    | 'mailboxId'
    | 'createdDateTime'
    | 'lastModifiedDateTime'
    | 'changeKey'
    | 'iCalUId'
    | 'organizer'
    | 'isOrganizer'
    | 'responseStatus'
    | 'isCancelled'
    | 'extendedProperties'
    | 'recurrence'
    | 'exceptions'
    | 'cancelled'
  >
> & {
  extendedProperties?: { id: string; value: string }[];
  /** `recurrence` as the client sent it (null removes it); validated against the event's zone later. */
  recurrenceInput?: unknown;
  /** The properties the body named, for checks that depend on which were sent. */
  named?: string[];
};

/**
 * Reads a POST or PATCH body into typed changes, refusing what Graph's OData reader refuses: unknown
 * properties (RequestBodyRead) and values of the wrong type. Read-only properties are ignored.
 */
export function readEventBody(body: unknown): EventChanges {
  const input = asObject(body, 'event');
  const changes: EventChanges = { named: Object.keys(input) };
  for (const [name, value] of Object.entries(input)) {
    if (READ_ONLY.has(name) || name.startsWith('@odata.')) continue;
    if (!WRITABLE.has(name)) {
      throw badRequest(
        `The property '${name}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
        'RequestBodyRead',
      );
    }
    switch (name) {
      case 'subject':
        changes.subject = value === null ? '' : asString(value, name);
        break;
      case 'body': {
        const object = asObject(value, name);
        const contentType = object.contentType === 'html' || object.contentType === 'HTML' ? 'html' : 'text';
        changes.body = { contentType, content: typeof object.content === 'string' ? object.content : '' };
        break;
      }
      case 'start':
      case 'end': {
        const given = asDateTimeTimeZone(value, name);
        changes[name] = toInstant(given, name);
        changes[name === 'start' ? 'startTimeZone' : 'endTimeZone'] = given.timeZone;
        break;
      }
      case 'isAllDay':
      case 'isReminderOn':
      case 'responseRequested':
      case 'allowNewTimeProposals':
      case 'hideAttendees':
      case 'isOnlineMeeting':
        changes[name] = asBoolean(value, name);
        break;
      case 'sensitivity':
      case 'showAs':
      case 'importance': {
        const text = asString(value, name);
        if (!ENUMS[name]?.includes(text)) throw odataTypeError(name, `microsoft.graph.${name}`);
        changes[name] = text;
        break;
      }
      case 'categories':
        changes.categories = asArray(value, name, 'Edm.String', asString);
        break;
      case 'reminderMinutesBeforeStart':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw odataTypeError(name, 'Edm.Int32');
        changes.reminderMinutesBeforeStart = value;
        break;
      case 'location':
        changes.location = value === null ? EMPTY_LOCATION : asLocation(value, name);
        break;
      case 'locations':
        changes.locations = asArray(value, name, 'microsoft.graph.location', asLocation);
        break;
      case 'attendees':
        changes.attendees = asArray(value, name, 'microsoft.graph.attendee', asAttendee);
        if (changes.attendees.length > 500)
          throw badRequest('An event can have at most 500 attendees.', 'ErrorInvalidRequest');
        break;
      case 'recurrence':
        changes.recurrenceInput = value;
        break;
      case 'transactionId':
        changes.transactionId = value === null ? null : asString(value, name);
        break;
      case 'singleValueExtendedProperties':
        changes.extendedProperties = asArray(
          value,
          name,
          'microsoft.graph.singleValueLegacyExtendedProperty',
          asExtendedProperty,
        );
        break;
      case 'onlineMeetingProvider':
        break;
    }
  }
  return changes;
}

/** Exchange's checks on the resulting start, end and all-day flag. */
export function checkTimes(event: Pick<StoredEvent, 'start' | 'end' | 'isAllDay' | 'startTimeZone'>): void {
  if (event.end < event.start) {
    throw new GraphError(
      400,
      'ErrorCalendarEndDateIsEarlierThanStartDate',
      'The end date occurs before the start date.',
    );
  }
  if (event.isAllDay) {
    const zone = ianaZone(event.startTimeZone) ?? 'UTC';
    for (const [name, instant] of [
      ['start', event.start],
      ['end', event.end],
    ] as const) {
      const local = instant.setZone(zone);
      if (local.hour !== 0 || local.minute !== 0 || local.second !== 0) {
        throw badRequest(
          `The ${name} of an all-day event must be midnight in its time zone.`,
          'ErrorPropertyValidationFailure',
        );
      }
    }
  }
}

export function newEventKey(): string {
  return randomUUID();
}
