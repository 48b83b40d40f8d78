import { UnexpectedAnswer } from '../errors';
import { usersPath, type GraphClient } from './client';
import type { GraphEvent } from './event';
import { EVENT_SELECT } from './events';

/** A room's calendar over a window: calendarView (listing) and calendarView/delta (changes since). */

function calendarViewUrl(mailbox: string, from: Date, to: Date): string {
  return `${usersPath(mailbox)}/calendarView?startDateTime=${from.toISOString()}&endDateTime=${to.toISOString()}&$top=100&$select=${EVENT_SELECT.join(',')}`;
}

/**
 * Every occurrence and single event in [from, to), following nextLinks: the properties the sync reads
 * (not the body, which is most of an event's size and none of roomsync's business).
 */
export function calendarView(
  graph: GraphClient,
  mailbox: string,
  from: Date,
  to: Date,
): Promise<GraphEvent[]> {
  return graph.all(mailbox, `calendarView of ${mailbox}`, calendarViewUrl(mailbox, from, to));
}

/** calendarView a page at a time, for a caller that need not hold a whole calendar at once. */
export function calendarViewPages(
  graph: GraphClient,
  mailbox: string,
  from: Date,
  to: Date,
): AsyncGenerator<GraphEvent[]> {
  return graph.pages(mailbox, `calendarView of ${mailbox}`, calendarViewUrl(mailbox, from, to));
}

/**
 * One calendarView delta round of a mailbox: from a stored deltaLink (the changes since), or a first
 * round over [from, to) (everything in it); nextLinks followed to the new deltaLink. Items are
 * occurrences and single events; a removed one is `{ id, '@removed' }`. An expired token fails with
 * SyncStateExpired (410): start a first round again.
 */
export async function calendarViewDelta(
  graph: GraphClient,
  mailbox: string,
  from: { deltaLink: string } | { start: Date; end: Date },
): Promise<{ items: GraphEvent[]; deltaLink: string }> {
  const what = `calendarView delta of ${mailbox}`;
  let next: string | undefined =
    'deltaLink' in from
      ? from.deltaLink
      : `${usersPath(mailbox)}/calendarView/delta?startDateTime=${from.start.toISOString()}&endDateTime=${from.end.toISOString()}`;
  const items: GraphEvent[] = [];
  while (next) {
    const page = await graph.page(mailbox, what, next, 'IdType="ImmutableId", odata.maxpagesize=100');
    items.push(...page.events);
    if (page.deltaLink) return { items, deltaLink: page.deltaLink };
    next = page.nextLink;
  }
  throw new UnexpectedAnswer(
    'exchange',
    200,
    'NoDeltaLink',
    `${what}: a delta round ended without a deltaLink`,
  );
}
