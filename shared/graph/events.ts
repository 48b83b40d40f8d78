import { z } from 'zod';
import { NotFound } from '../errors';
import { usersPath, type GraphClient } from './client';
import { graphEventPageSchema, parseGraphEvent, type GraphEvent } from './event';
import { RESERVATION_ID_PROPERTY, RESPONSIBLE_PROPERTY } from './properties';

/** A room mailbox's events: read one, find a meeting's copy, create, update, delete, decline, instances. */

/** The extended properties roomsync reads with every event, and a series' exceptions. */
const EXPAND = `singleValueExtendedProperties($filter=id eq '${RESERVATION_ID_PROPERTY}' or id eq '${RESPONSIBLE_PROPERTY}'),exceptionOccurrences`;

/**
 * What roomsync reads of an event. cancelledOccurrences comes back only when selected, so the selection
 * is spelled out; a series master then arrives whole (pattern, cancellations, exceptions) in one GET.
 */
export const EVENT_SELECT = [
  'id',
  'type',
  'subject',
  'start',
  'end',
  'isAllDay',
  'originalStartTimeZone',
  'sensitivity',
  'showAs',
  'organizer',
  'attendees',
  'recurrence',
  'iCalUId',
  'changeKey',
  'isCancelled',
  'responseStatus',
  'transactionId',
  'seriesMasterId',
  'cancelledOccurrences',
];

const calendarSchema = z.object({
  id: z.string(),
  owner: z.object({ name: z.string().nullish(), address: z.string().nullish() }).nullish(),
});

const eventPath = (mailbox: string, id: string): string =>
  `${usersPath(mailbox)}/events/${encodeURIComponent(id)}`;

/**
 * The mailbox, through its default calendar: NotFound when Graph knows no such mailbox. Reading the
 * calendar needs only the Calendars permission the sync needs anyway (not User.Read.All), and it proves
 * what registering a room needs: that this app may reach the room's calendar (an Exchange scope that
 * leaves the room out answers 403, as it will for every later call).
 */
export async function getMailbox(
  graph: GraphClient,
  mailbox: string,
): Promise<{ mail: string; displayName: string | undefined }> {
  const calendar = await graph.typed(mailbox, `GET calendar of ${mailbox}`, calendarSchema, () =>
    graph
      .request(`${usersPath(mailbox)}/calendar`)
      .select(['id', 'owner'])
      .get(),
  );
  return { mail: calendar.owner?.address ?? mailbox, displayName: calendar.owner?.name ?? undefined };
}

/** An event with roomsync's extended properties; undefined when it is gone. */
export async function getEvent(
  graph: GraphClient,
  mailbox: string,
  id: string,
): Promise<GraphEvent | undefined> {
  try {
    return await graph.event(mailbox, `GET event in ${mailbox}`, () =>
      graph.request(eventPath(mailbox, id)).select(EVENT_SELECT).expand(EXPAND).get(),
    );
  } catch (err) {
    if (err instanceof NotFound) return undefined;
    throw err;
  }
}

/**
 * A meeting's copy in a mailbox, by the iCalUId all copies share (its master, for a series): how a room
 * that never notified (it declined the invitation, so it holds no copy) is told from one that did.
 */
export async function findByICalUId(
  graph: GraphClient,
  mailbox: string,
  iCalUId: string,
): Promise<GraphEvent | undefined> {
  const what = `find meeting in ${mailbox}`;
  const filter = `iCalUId eq '${iCalUId.replace(/'/g, "''")}'`;
  const page = await graph.typed(mailbox, what, graphEventPageSchema, () =>
    graph
      .request(`${usersPath(mailbox)}/events`)
      .filter(filter)
      .select('id,iCalUId,isCancelled,responseStatus')
      .get(),
  );
  const first = page.value[0];
  return first === undefined ? undefined : parseGraphEvent(first, what);
}

/** Creates an event; the transactionId makes a retried create return the first event. */
export function createEvent(
  graph: GraphClient,
  mailbox: string,
  body: object,
  transactionId: string,
): Promise<GraphEvent> {
  return graph.event(mailbox, `POST event in ${mailbox}`, () =>
    graph.request(`${usersPath(mailbox)}/events`).post({ ...body, transactionId }),
  );
}

/** PATCHes an event; with `changeKey`, Stale when it changed since. */
export function updateEvent(
  graph: GraphClient,
  mailbox: string,
  id: string,
  patch: object,
  changeKey?: string,
): Promise<GraphEvent> {
  return graph.event(mailbox, `PATCH event in ${mailbox}`, () => {
    const request = graph.request(eventPath(mailbox, id));
    if (changeKey) request.header('If-Match', `W/"${changeKey}"`);
    return request.patch(patch);
  });
}

/** Deletes an event; one already gone counts as deleted. */
export async function deleteEvent(graph: GraphClient, mailbox: string, id: string): Promise<void> {
  try {
    await graph.call(mailbox, `DELETE event in ${mailbox}`, () =>
      graph.request(eventPath(mailbox, id)).delete(),
    );
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
  }
}

/** The room declines the meeting (its copy leaves its calendar; the organizer is told). */
export async function declineEvent(
  graph: GraphClient,
  mailbox: string,
  id: string,
  comment: string,
): Promise<void> {
  await graph.call(mailbox, `decline event in ${mailbox}`, () =>
    graph.request(`${eventPath(mailbox, id)}/decline`).post({ comment, sendResponse: true }),
  );
}

/** A series' occurrences and exceptions in [from, to) (cancelled ones absent), following nextLinks. */
export function instances(
  graph: GraphClient,
  mailbox: string,
  masterId: string,
  from: Date,
  to: Date,
): Promise<GraphEvent[]> {
  return graph.all(
    mailbox,
    `instances in ${mailbox}`,
    `${eventPath(mailbox, masterId)}/instances?startDateTime=${from.toISOString()}&endDateTime=${to.toISOString()}&$top=100`,
  );
}
