import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import { startGraphEmulator, type GraphEmulator } from '../../../emulators/graph/server';
import { fetchToken, graphClient } from '../../helpers/graph-client';

const ADA = 'ada@contoso.com';
const ALPHA = 'room.alpha@contoso.com';
const BETA = 'room.beta@contoso.com';

interface Event {
  id: string;
  iCalUId: string;
  subject: string;
  isOrganizer: boolean;
  changeKey: string;
  responseStatus: { response: string };
  organizer: { emailAddress: { address: string; name: string } };
  attendees: { type: string; emailAddress: { address: string }; status: { response: string } }[];
  start: { dateTime: string };
}

const day = (offsetDays: number, hour: number): string => {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00`;
};

const meeting = (rooms: string[], overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  subject: 'Quarterly planning',
  start: { dateTime: day(7, 9), timeZone: 'UTC' },
  end: { dateTime: day(7, 10), timeZone: 'UTC' },
  attendees: rooms.map((address) => ({ type: 'resource', emailAddress: { address } })),
  ...overrides,
});

describe('Graph emulator: meetings and rooms (AutomateProcessing=AutoAccept)', () => {
  let emulator: GraphEmulator;
  let client: Client;
  before(async () => {
    emulator = await startGraphEmulator({ meetings: { processingDelayMs: 10 } });
  });
  beforeEach(async () => {
    emulator.reset();
    emulator.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
    emulator.directory.add({ email: ALPHA, displayName: 'Room Alpha', kind: 'room' });
    emulator.directory.add({
      email: BETA,
      displayName: 'Room Beta',
      kind: 'room',
      room: { deleteSubject: false, addOrganizerToSubject: false },
    });
    client = graphClient(emulator.url, await fetchToken(emulator.url));
  });
  after(async () => {
    await emulator.stop();
  });

  const events = async (mailbox: string): Promise<Event[]> =>
    ((await client.api(`/users/${mailbox}/events`).get()) as { value: Event[] }).value;
  const statusOf = (event: Event, address: string): string | undefined =>
    event.attendees.find((a) => a.emailAddress.address === address)?.status.response;

  it('gives each invited room its own accepted copy with the same iCalUId, and the organizer sees both acceptances', async () => {
    const organized = (await client.api(`/users/${ADA}/events`).post(meeting([ALPHA, BETA]))) as Event;
    await emulator.meetings.settle();
    const [alpha] = await events(ALPHA);
    const [beta] = await events(BETA);
    assert.ok(alpha && beta);
    assert.equal(alpha.iCalUId, organized.iCalUId);
    assert.equal(beta.iCalUId, organized.iCalUId);
    assert.equal(new Set([organized.id, alpha.id, beta.id]).size, 3);
    assert.equal(alpha.isOrganizer, false);
    assert.equal(alpha.organizer.emailAddress.address, ADA);
    assert.equal(alpha.responseStatus.response, 'accepted');
    assert.equal(alpha.subject, 'Ada Lovelace', 'DeleteSubject + AddOrganizerToSubject (the defaults)');
    assert.equal(beta.subject, 'Quarterly planning', 'a room that keeps subjects');

    const [mine] = await events(ADA);
    assert.ok(mine);
    assert.equal(statusOf(mine, ALPHA), 'accepted');
    assert.equal(statusOf(mine, BETA), 'accepted');
    assert.notEqual(mine.changeKey, organized.changeKey, 'response tracking changes the organizer copy');
  });

  it('declines an invitation that conflicts, or starts beyond the booking window, and keeps no copy', async () => {
    await client.api(`/users/${ALPHA}/events`).post({
      subject: 'Already booked',
      start: { dateTime: day(7, 8), timeZone: 'UTC' },
      end: { dateTime: day(7, 10), timeZone: 'UTC' },
    });
    await client.api(`/users/${ADA}/events`).post(meeting([ALPHA]));
    await client.api(`/users/${ADA}/events`).post(
      meeting([BETA], {
        start: { dateTime: day(200, 9), timeZone: 'UTC' },
        end: { dateTime: day(200, 10), timeZone: 'UTC' },
      }),
    );
    await emulator.meetings.settle();
    assert.deepEqual(
      (await events(ALPHA)).map((e) => e.subject),
      ['Already booked'],
    );
    assert.equal((await events(BETA)).length, 0);
    const mine = await events(ADA);
    assert.deepEqual(
      mine.map((e) => statusOf(e, ALPHA) ?? statusOf(e, BETA)),
      ['declined', 'declined'],
    );
  });

  it("does not conflict-check a write straight into a room's calendar, as Exchange does not", async () => {
    const slot = {
      start: { dateTime: day(3, 9), timeZone: 'UTC' },
      end: { dateTime: day(3, 10), timeZone: 'UTC' },
    };
    await client.api(`/users/${ALPHA}/events`).post({ subject: 'one', ...slot });
    await client.api(`/users/${ALPHA}/events`).post({ subject: 'two', ...slot });
    assert.equal((await events(ALPHA)).length, 2);
  });

  it('carries organizer updates to the copies, removes the copy of a room taken off the invite, and all copies on delete', async () => {
    const organized = (await client.api(`/users/${ADA}/events`).post(meeting([ALPHA, BETA]))) as Event;
    await emulator.meetings.settle();
    await client.api(`/users/${ADA}/events/${organized.id}`).patch({
      subject: 'Renamed',
      start: { dateTime: day(8, 14), timeZone: 'UTC' },
      end: { dateTime: day(8, 15), timeZone: 'UTC' },
    });
    await emulator.meetings.settle();
    const [beta] = await events(BETA);
    assert.ok(beta);
    assert.equal(beta.subject, 'Renamed');
    assert.equal(beta.start.dateTime, `${day(8, 14)}.0000000`);

    await client
      .api(`/users/${ADA}/events/${organized.id}`)
      .patch({ attendees: [{ type: 'resource', emailAddress: { address: BETA } }] });
    await emulator.meetings.settle();
    assert.equal((await events(ALPHA)).length, 0);
    assert.equal((await events(BETA)).length, 1);

    await client.api(`/users/${ADA}/events/${organized.id}`).delete();
    await emulator.meetings.settle();
    assert.equal((await events(BETA)).length, 0);
  });

  it("records a room's own decline on the organizer's copy, and lets only the organizer cancel", async () => {
    await client.api(`/users/${ADA}/events`).post(meeting([ALPHA]));
    await emulator.meetings.settle();
    const [copy] = await events(ALPHA);
    assert.ok(copy);
    const notOrganizer: unknown = await client
      .api(`/users/${ALPHA}/events/${copy.id}/cancel`)
      .post({ comment: 'no' })
      .catch((err: unknown) => err);
    assert.ok(notOrganizer instanceof GraphError);
    assert.equal(notOrganizer.statusCode, 400);
    await client
      .api(`/users/${ALPHA}/events/${copy.id}/decline`)
      .post({ comment: 'Maintenance', sendResponse: true });
    assert.equal((await events(ALPHA)).length, 0);
    const [mine] = await events(ADA);
    assert.ok(mine);
    assert.equal(statusOf(mine, ALPHA), 'declined');

    await client.api(`/users/${ADA}/events/${mine.id}/cancel`).post({ comment: 'Called off' });
    assert.equal((await events(ADA)).length, 0);
  });
});
