import { z } from 'zod';
import { UnexpectedAnswer } from '../errors';
import { RESERVATION_ID_PROPERTY } from './properties';

/**
 * A Graph event as roomsync reads it: every answer of the gateway (events, instances, calendarView and
 * its delta, creates and updates) is validated here into one type, so nothing downstream casts. Graph
 * leaves out what was not selected, and delta's stubs and `@removed` items carry little more than an
 * id, so everything but `id` is optional; what a Booking needs is checked by the mapping. Unknown
 * properties are dropped.
 *
 * The helpers below answer the questions the sync asks of an event, in one place: declined by the room,
 * cancelled by its organizer, which series it belongs to, which reservation roomsync made it for.
 */

const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string().nullish() });
const emailAddress = z.object({ address: z.string().nullish(), name: z.string().nullish() });
const responseStatus = z.object({ response: z.string().nullish(), time: z.string().nullish() });
const attendee = z.object({
  type: z.string().nullish(),
  emailAddress: emailAddress.nullish(),
  status: responseStatus.nullish(),
});
const extendedPropertySchema = z.object({ id: z.string(), value: z.string().nullish() });

/** Graph writes camelCase; one documented payload has `Subject`, so keys are read without regard to that. */
function camelCaseKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]),
  );
}

const eventFields = {
  id: z.string().min(1),
  '@odata.etag': z.string().nullish(),
  '@removed': z.object({ reason: z.string().nullish() }).nullish(),
  type: z.string().nullish(),
  subject: z.string().nullish(),
  start: dateTimeTimeZone.nullish(),
  end: dateTimeTimeZone.nullish(),
  isAllDay: z.boolean().nullish(),
  originalStart: z.string().nullish(),
  originalStartTimeZone: z.string().nullish(),
  occurrenceId: z.string().nullish(),
  sensitivity: z.string().nullish(),
  showAs: z.string().nullish(),
  organizer: z.object({ emailAddress: emailAddress.nullish() }).nullish(),
  attendees: z.array(attendee).nullish(),
  // The pattern is validated where it is read (recurrence/patterned.ts), with errors naming its fields.
  recurrence: z.unknown().optional(),
  iCalUId: z.string().nullish(),
  changeKey: z.string().nullish(),
  isCancelled: z.boolean().nullish(),
  responseStatus: responseStatus.nullish(),
  transactionId: z.string().nullish(),
  seriesMasterId: z.string().nullish(),
  cancelledOccurrences: z.array(z.string()).nullish(),
  singleValueExtendedProperties: z.array(extendedPropertySchema).nullish(),
};

/** An occurrence or exception as `$expand=exceptionOccurrences` gives it (without an id when not selected). */
const occurrenceSchema = z.preprocess(camelCaseKeys, z.object({ ...eventFields, id: z.string().nullish() }));

export const graphEventSchema = z.object({
  ...eventFields,
  exceptionOccurrences: z.array(occurrenceSchema).nullish(),
});

export type GraphEvent = z.infer<typeof graphEventSchema>;
export type GraphOccurrence = z.infer<typeof occurrenceSchema>;
export type GraphDateTime = z.infer<typeof dateTimeTimeZone>;

/** The event in `input`, or UnexpectedAnswer naming the first field that is not what Graph promises. */
export function parseGraphEvent(input: unknown, what = 'event'): GraphEvent {
  const result = graphEventSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = (issue?.path ?? []).map(String).join('.') || '(event)';
  throw new UnexpectedAnswer(
    'exchange',
    200,
    'UnexpectedEvent',
    `${what}: ${where}: ${issue?.message ?? 'not an event'}`,
  );
}

/** A page of events (`value`), with the links Graph pages and delta rounds carry. */
export const graphEventPageSchema = z.object({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().nullish(),
  '@odata.deltaLink': z.string().nullish(),
});

export type GraphEventKind = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';

const KINDS: readonly GraphEventKind[] = ['singleInstance', 'occurrence', 'exception', 'seriesMaster'];

/** What the event is; one without a `type` (not selected) is a master when it repeats. */
export function kindOf(event: Pick<GraphEvent, 'type' | 'recurrence'>): GraphEventKind {
  const type = event.type?.toLowerCase();
  return (
    KINDS.find((k) => k.toLowerCase() === type) ??
    (event.recurrence != null ? 'seriesMaster' : 'singleInstance')
  );
}

/** The room's copy that the room declined: it holds no booking, whatever is left in its calendar. */
export function isDeclined(event: Pick<GraphEvent, 'responseStatus'>): boolean {
  return event.responseStatus?.response === 'declined';
}

/** Cancelled by its organizer (Exchange keeps a room's copy with `isCancelled` until it is removed). */
export function isCancelled(event: Pick<GraphEvent, 'isCancelled'>): boolean {
  return event.isCancelled === true;
}

/** A delta item that says the event left the window or the calendar. */
export function isRemoved(event: Pick<GraphEvent, '@removed'>): boolean {
  return event['@removed'] != null;
}

/** The organizer's address, lower-cased: whose meeting this copy is. */
export function organizerOf(event: Pick<GraphEvent, 'organizer'>): string | null {
  return event.organizer?.emailAddress?.address?.trim().toLowerCase() || null;
}

/** The series an occurrence or exception belongs to (never found through iCalUId, which may differ). */
export function seriesMasterOf(event: Pick<GraphEvent, 'seriesMasterId'>): string | null {
  return event.seriesMasterId ?? null;
}

/** The value of one single-value extended property, when the event came with it. */
export function extendedProperty(
  event: Pick<GraphEvent, 'singleValueExtendedProperties'>,
  id: string,
): string | undefined {
  const wanted = id.toLowerCase();
  return event.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === wanted)?.value ?? undefined;
}

/** The reservation an event was made for, when roomsync made it (its extended property says). */
export function reservationIdOf(
  event: Pick<GraphEvent, 'singleValueExtendedProperties'>,
): string | undefined {
  return extendedProperty(event, RESERVATION_ID_PROPERTY);
}

/** The display name the event gives an attendee, or '' when it gives none. */
export function attendeeName(event: Pick<GraphEvent, 'attendees'>, email: string): string {
  return (
    event.attendees?.find((a) => a.emailAddress?.address?.trim().toLowerCase() === email)?.emailAddress
      ?.name ?? ''
  );
}

/** An instant of a dateTimeTimeZone as calendarView gives it (UTC unless a zone or offset says otherwise). */
function utcInstant(value: GraphDateTime | null | undefined): Date | undefined {
  const dateTime = value?.dateTime;
  if (dateTime === undefined) return undefined;
  const parsed = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(dateTime) ? dateTime : `${dateTime.slice(0, 23)}Z`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** A listed item's start and end as instants, when it has both. */
export function spanOf(event: Pick<GraphEvent, 'start' | 'end'>): { start: Date; end: Date } | undefined {
  const start = utcInstant(event.start);
  const end = utcInstant(event.end);
  return start && end ? { start, end } : undefined;
}
