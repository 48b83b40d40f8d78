import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@microsoft/microsoft-graph-client';
import { bookingFromReservation } from '../../shared/mapping';
import { expand } from '../../shared/recurrence';
import { WorkplaceClient, type Reservation } from '../../shared/workplace';
import {
  connectWorkplaceWebhook,
  registerRoom,
  sideClients,
  startServiceHost,
  type ServiceHost,
} from '../helpers/service-host';
import { waitFor } from '../helpers/wait';
import { reservationsNamed } from '../helpers/workplace';

/**
 * Every recurrence pattern and range type, made on each side, compared with what the other side holds:
 * the occurrences' start instants over the sync horizon, several series crossing a DST change. Workplace
 * series are expanded by the core (its expansion is checked against Outlook's rules by property tests);
 * Exchange series by the Graph emulator's calendarView, which has its own Outlook expander.
 */

const ROOM = 'room.series@contoso.com';
const ROOM_ID = 'wp-series';
const ADA = 'ada@contoso.com';
const rooms = {
  roomEmail: (id: string) => (id === ROOM_ID ? ROOM : undefined),
  workplaceRoomId: (email: string) => (email === ROOM ? ROOM_ID : undefined),
};
const window = { from: new Date('2026-11-24T00:00:00Z'), to: new Date('2027-11-25T00:00:00Z') };

interface WorkplaceCase {
  subject: string;
  start: string;
  minutes: number;
  timeZone: string;
  rrule: string;
}

/** Each RRULE shape Exchange can express: every Graph pattern type, every range type. */
const WORKPLACE_CASES: WorkplaceCase[] = [
  // daily, numbered, across Europe's spring change (2027-03-28)
  {
    subject: 'WP daily',
    start: '2027-03-20T08:00:00',
    minutes: 30,
    timeZone: 'Europe/Brussels',
    rrule: 'FREQ=DAILY;INTERVAL=2;COUNT=10',
  },
  // weekly on three days, end date, across the US spring change (2027-03-14)
  {
    subject: 'WP weekly',
    start: '2027-03-01T09:30:00',
    minutes: 45,
    timeZone: 'America/New_York',
    rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20270331',
  },
  // absolute monthly, no end: both European changes inside the horizon
  {
    subject: 'WP monthly',
    start: '2026-12-15T11:00:00',
    minutes: 60,
    timeZone: 'Europe/Brussels',
    rrule: 'FREQ=MONTHLY;BYMONTHDAY=15',
  },
  // relative monthly (last Friday), numbered, across Sydney's autumn change (2027-04-04)
  {
    subject: 'WP last Friday',
    start: '2027-01-29T20:00:00',
    minutes: 60,
    timeZone: 'Australia/Sydney',
    rrule: 'FREQ=MONTHLY;BYDAY=-1FR;COUNT=6',
  },
  // absolute yearly
  {
    subject: 'WP yearly',
    start: '2027-03-20T10:00:00',
    minutes: 90,
    timeZone: 'Europe/London',
    rrule: 'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=20;COUNT=3',
  },
  // relative yearly, end date
  {
    subject: 'WP second Tuesday of October',
    start: '2027-10-12T11:00:00',
    minutes: 60,
    timeZone: 'Europe/Brussels',
    rrule: 'FREQ=YEARLY;BYMONTH=10;BYDAY=2TU;UNTIL=20291231',
  },
  // every other week, across the autumn change (2027-10-31)
  {
    subject: 'WP fortnightly',
    start: '2027-10-05T09:00:00',
    minutes: 60,
    timeZone: 'Europe/Brussels',
    rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=4',
  },
];

interface OutlookCase {
  subject: string;
  start: string;
  end: string;
  timeZone: string;
  recurrence: { pattern: Record<string, unknown>; range: Record<string, unknown> };
}

const OUTLOOK_CASES: OutlookCase[] = [
  {
    subject: 'OL daily',
    start: '2027-03-05T08:00:00',
    end: '2027-03-05T08:30:00',
    timeZone: 'Pacific Standard Time',
    recurrence: {
      pattern: { type: 'daily', interval: 3 },
      range: { type: 'numbered', startDate: '2027-03-05', numberOfOccurrences: 8 },
    },
  },
  {
    subject: 'OL weekly',
    start: '2027-03-16T15:00:00',
    end: '2027-03-16T16:00:00',
    timeZone: 'W. Europe Standard Time',
    recurrence: {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday', 'thursday'], firstDayOfWeek: 'sunday' },
      range: { type: 'endDate', startDate: '2027-03-16', endDate: '2027-04-15' },
    },
  },
  {
    // Outlook's day 31: the last day of shorter months.
    subject: 'OL month end',
    start: '2026-12-31T18:00:00',
    end: '2026-12-31T19:00:00',
    timeZone: 'W. Europe Standard Time',
    recurrence: {
      pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
      range: { type: 'noEnd', startDate: '2026-12-31' },
    },
  },
  {
    subject: 'OL first Monday',
    start: '2027-01-04T09:00:00',
    end: '2027-01-04T10:00:00',
    timeZone: 'AUS Eastern Standard Time',
    recurrence: {
      pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['monday'], index: 'first' },
      range: { type: 'numbered', startDate: '2027-01-04', numberOfOccurrences: 6 },
    },
  },
  {
    subject: 'OL last weekday',
    start: '2027-01-29T07:00:00',
    end: '2027-01-29T08:00:00',
    timeZone: 'Eastern Standard Time',
    recurrence: {
      pattern: {
        type: 'relativeMonthly',
        interval: 2,
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        index: 'last',
      },
      range: { type: 'endDate', startDate: '2027-01-29', endDate: '2027-11-30' },
    },
  },
  {
    subject: 'OL yearly',
    start: '2027-06-10T10:00:00',
    end: '2027-06-10T11:00:00',
    timeZone: 'GMT Standard Time',
    recurrence: {
      pattern: { type: 'absoluteYearly', interval: 1, month: 6, dayOfMonth: 10 },
      range: { type: 'numbered', startDate: '2027-06-10', numberOfOccurrences: 3 },
    },
  },
  {
    subject: 'OL fourth Thursday of November',
    start: '2026-11-26T18:00:00',
    end: '2026-11-26T20:00:00',
    timeZone: 'Eastern Standard Time',
    recurrence: {
      pattern: { type: 'relativeYearly', interval: 1, month: 11, daysOfWeek: ['thursday'], index: 'fourth' },
      range: { type: 'noEnd', startDate: '2026-11-26' },
    },
  },
];

interface Instance {
  subject: string;
  start: { dateTime: string };
}

describe('sync, every recurrence pattern and range, end to end', () => {
  let service: ServiceHost;
  let graph: Client;
  let workplace: WorkplaceClient;
  before(async () => {
    service = await startServiceHost(['graph-notifications', 'workplace-webhook', 'rooms', 'sync-worker']);
    // Configured as roomsync's deployment guide asks: series beyond the window are kept, not declined.
    service.graph.directory.add({
      email: ROOM,
      displayName: 'Room Series',
      kind: 'room',
      room: {
        deleteSubject: false,
        addOrganizerToSubject: false,
        bookingWindowInDays: 1080,
        enforceSchedulingHorizon: false,
      },
    });
    service.workplace.addRoom({ id: ROOM_ID, name: 'Room Series', email: ROOM, timeZone: 'Europe/Brussels' });
    service.graph.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
    connectWorkplaceWebhook(service);
    ({ graph, workplace } = await sideClients(service));
    assert.equal(await registerRoom(service, ROOM, ROOM_ID), 201);
  });
  after(async () => {
    await service.close();
  });

  /** Every item of the room's calendarView over the window, page by page. */
  const roomView = async (): Promise<Instance[]> => {
    const items: Instance[] = [];
    let page = (await graph
      .api(`/users/${ROOM}/calendarView`)
      .query({ startDateTime: window.from.toISOString(), endDateTime: window.to.toISOString() })
      .select('subject,start')
      .top(100)
      .get()) as { value: Instance[]; '@odata.nextLink'?: string };
    items.push(...page.value);
    while (page['@odata.nextLink']) {
      page = (await graph.api(page['@odata.nextLink']).get()) as typeof page;
      items.push(...page.value);
    }
    return items;
  };
  const exchangeStarts = (items: Instance[], subject: string): string[] =>
    items
      .filter((i) => i.subject === subject)
      .map((i) => new Date(`${i.start.dateTime.slice(0, 23)}Z`).toISOString())
      .sort();
  const workplaceStarts = (reservation: Reservation): string[] =>
    expand(bookingFromReservation(reservation, rooms), window.from, window.to)
      .filter((o) => !o.cancelled)
      .map((o) => o.start.toISOString())
      .sort();
  const reservationsBySubject = async (): Promise<Map<string, Reservation>> => {
    const found = await reservationsNamed(workplace, () => true, { roomId: ROOM_ID });
    return new Map(found.map((r) => [r.subject, r]));
  };

  it('a series of each kind made in Workplace has the same occurrences in the room’s calendar', async () => {
    const made = new Map<string, Reservation>();
    for (const c of WORKPLACE_CASES) {
      const end = new Date(Date.parse(`${c.start}Z`) + c.minutes * 60_000).toISOString().slice(0, 19);
      made.set(
        c.subject,
        await workplace.createReservation(
          {
            subject: c.subject,
            start: c.start,
            end,
            timeZone: c.timeZone,
            responsible: { email: ADA, name: 'Ada Lovelace' },
            participants: [],
            lines: [{ roomId: ROOM_ID, status: 'confirmed' }],
            recurrence: { rrule: c.rrule },
            exceptions: [],
          },
          `patterns-${c.subject}`,
        ),
      );
    }
    const mismatches = await waitFor(
      'every series in the room’s calendar',
      async () => {
        const view = await roomView();
        const wrong = [...made].flatMap(([subject, reservation]) => {
          const want = workplaceStarts(reservation);
          const got = exchangeStarts(view, subject);
          return JSON.stringify(want) === JSON.stringify(got) ? [] : [{ subject, want, got }];
        });
        return wrong.length === 0 ? wrong : undefined;
      },
      30_000,
    ).catch(async () => {
      const view = await roomView();
      return [...made].map(([subject, reservation]) => ({
        subject,
        want: workplaceStarts(reservation),
        got: exchangeStarts(view, subject),
      }));
    });
    assert.deepEqual(mismatches, []);
    for (const [subject, reservation] of made)
      assert.ok(workplaceStarts(reservation).length > 0, `${subject} has occurrences in the window`);
  });

  it('a series of each kind made in Outlook has the same occurrences in Workplace', async () => {
    for (const c of OUTLOOK_CASES) {
      await graph.api(`/users/${ADA}/events`).post({
        subject: c.subject,
        start: { dateTime: c.start, timeZone: c.timeZone },
        end: { dateTime: c.end, timeZone: c.timeZone },
        attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room Series' } }],
        recurrence: c.recurrence,
      });
    }
    const subjects = OUTLOOK_CASES.map((c) => c.subject);
    const compare = async (): Promise<{ subject: string; want: string[]; got: string[] }[]> => {
      const view = await roomView();
      const reservations = await reservationsBySubject();
      return subjects.map((subject) => {
        const reservation = reservations.get(subject);
        return {
          subject,
          want: exchangeStarts(view, subject),
          got: reservation ? workplaceStarts(reservation) : [],
        };
      });
    };
    const mismatches = await waitFor(
      'every series in Workplace',
      async () => {
        const wrong = (await compare()).filter((c) => JSON.stringify(c.want) !== JSON.stringify(c.got));
        return wrong.length === 0 ? wrong : undefined;
      },
      30_000,
    ).catch(async () => (await compare()).filter((c) => JSON.stringify(c.want) !== JSON.stringify(c.got)));
    assert.deepEqual(mismatches, []);
    for (const { subject, want } of await compare())
      assert.ok(want.length > 0, `${subject} has occurrences in the window`);
  });
});
