import { parseGraphEvent, type GraphEvent } from '../../shared/graph/event';

/** Graph events as the gateway gives them to the sync and the mapping: parsed by parseGraphEvent. */

/** The id a test event gets when its JSON has none (documentation fragments, write bodies). */
export const TEST_EVENT_ID =
  'AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e-T7KzowPTAAAAAAENAAAiIsqMbYjsT5e-T7KzowPTAAAYbvZlAAA=';

/**
 * Graph's JSON (a fixture, a test's literal, a write body read back) as the gateway would hand it on:
 * validated into a GraphEvent, with an id added when it has none. Malformed JSON throws UnexpectedAnswer,
 * as at the gateway.
 */
export function graphEvent(json: object): GraphEvent {
  return parseGraphEvent('id' in json ? json : { id: TEST_EVENT_ID, ...json });
}

/**
 * A single meeting, as a room's calendar holds it: organized by Ann, Bob invited, Room Alpha booked and
 * accepting, 09:00-10:00 Brussels time on 30 March 2026 read in UTC. It reads as `makeBooking()`; tests
 * override what they are about.
 */
export function makeGraphEvent(overrides: Partial<GraphEvent> = {}): GraphEvent {
  return graphEvent({
    id: TEST_EVENT_ID,
    '@odata.etag': 'W/"IiLKjG2I7E+Xvk+ys6MD0wAAGGAG0w=="',
    type: 'singleInstance',
    subject: 'Design review',
    start: { dateTime: '2026-03-30T07:00:00.0000000', timeZone: 'UTC' },
    end: { dateTime: '2026-03-30T08:00:00.0000000', timeZone: 'UTC' },
    originalStartTimeZone: 'Romance Standard Time',
    isAllDay: false,
    isCancelled: false,
    sensitivity: 'normal',
    showAs: 'busy',
    iCalUId: '040000008200E00074C5B7101A82E0080000000074B3A4C5D6C0DC01000000000000000010000000',
    changeKey: 'IiLKjG2I7E+Xvk+ys6MD0wAAGGAG0w==',
    organizer: { emailAddress: { name: 'Ann', address: 'ann@contoso.com' } },
    attendees: [
      {
        type: 'required',
        emailAddress: { name: 'Bob', address: 'bob@contoso.com' },
        status: { response: 'none', time: '0001-01-01T00:00:00Z' },
      },
      {
        type: 'resource',
        emailAddress: { name: 'Room Alpha', address: 'room.alpha@contoso.com' },
        status: { response: 'accepted', time: '2026-03-01T10:00:05Z' },
      },
    ],
    responseStatus: { response: 'accepted', time: '2026-03-01T10:00:05Z' },
    recurrence: null,
    ...overrides,
  });
}
