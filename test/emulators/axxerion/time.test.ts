import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { startAxxerionEmulator, type AxxerionEmulator } from '../../../emulators/axxerion/server';
import { axxerion, freshTenant, ok, processImports, REPORTS, upsert, type ReservationView } from './helpers';

const ZONE = 'Europe/Amsterdam';
const FORMAT = 'dd-MM-yyyy HH:mm';
const parse = (shown: string | undefined): number =>
  DateTime.fromFormat(shown ?? '', FORMAT, { zone: ZONE }).toMillis();

const booking = {
  rooms: ['AMS-1.01'],
  subject: 'Planning',
  start: '2026-03-30T09:00',
  end: '2026-03-30T10:00',
  requestor: 'ada@contoso.com',
  participants: [{ email: 'bob@contoso.com' }],
};

describe('Axxerion emulator: time (visibility delay, UpdateTime resolution, skew)', () => {
  let emulator: AxxerionEmulator;
  let client: ReturnType<typeof axxerion>;
  before(async () => {
    emulator = await startAxxerionEmulator();
    client = axxerion(emulator.url);
  });
  beforeEach(() => freshTenant(emulator.url));
  after(() => emulator.stop());

  it('shows a write in reports only after the visibility delay, while Workplace shows it at once', async () => {
    await ok(emulator.url, 'POST', 'profile', { visibilityDelayMs: 60_000 });
    const answer = await client.importItem('ReservationUpsert', upsert());
    await processImports(emulator.url);
    const { items } = await ok<{ items: ReservationView[] }>(
      emulator.url,
      'GET',
      'reservations?room=AMS-1.01',
    );
    assert.equal(items.length, 1, 'committed');
    assert.equal((await client.rows(REPORTS.byExternalReference)).length, 0, 'not yet in reports');
    assert.equal(
      (await client.rows(REPORTS.importLog, ['importItemId'], [answer.body.id])).length,
      0,
      'nor the log',
    );
    await ok(emulator.url, 'POST', 'clock', { advanceMs: 60_000 });
    assert.equal((await client.rows(REPORTS.byExternalReference)).length, 1);
    assert.equal(
      (await client.rows(REPORTS.importLog, ['importItemId'], [answer.body.id]))[0]?.Status,
      'Processed',
    );
  });

  it('keeps showing the previous version of a changed reservation until the new one is visible', async () => {
    const created = await ok<ReservationView>(emulator.url, 'POST', 'reservations', booking);
    await ok(emulator.url, 'POST', 'profile', { visibilityDelayMs: 60_000 });
    await ok(emulator.url, 'PATCH', `reservations/${created.id}`, { subject: 'Renamed' });
    assert.equal((await client.rows(REPORTS.byId, ['reservationId'], [created.id]))[0]?.Subject, 'Planning');
    await ok(emulator.url, 'POST', 'clock', { advanceMs: 60_000 });
    assert.equal((await client.rows(REPORTS.byId, ['reservationId'], [created.id]))[0]?.Subject, 'Renamed');
  });

  it('has a default visibility jitter, processing delay and skew (the profile a sync meets unless a test calms it)', async () => {
    await ok(emulator.url, 'POST', 'reset');
    const profile = await ok<Record<string, number>>(emulator.url, 'GET', 'profile');
    assert.deepEqual(
      [
        profile.visibilityJitterMs,
        profile.processingDelayMs,
        profile.processingJitterMs,
        profile.clockSkewMs,
      ],
      [2_000, 500, 1_000, -75_000],
    );
  });

  it('stamps UpdateTime at minute resolution: two changes in one minute share it', async () => {
    // Keep clear of a minute boundary on the tenant clock, so that both changes fall in one minute.
    const intoMinute = Date.parse((await ok<{ now: string }>(emulator.url, 'GET', 'clock')).now) % 60_000;
    if (intoMinute > 50_000) await ok(emulator.url, 'POST', 'clock', { advanceMs: 60_500 - intoMinute });
    const created = await ok<ReservationView>(emulator.url, 'POST', 'reservations', booking);
    await ok(emulator.url, 'PATCH', `reservations/${created.id}`, { subject: 'Again' });
    const after = await ok<ReservationView>(emulator.url, 'GET', `reservations/${created.id}`);
    assert.equal(after.updateTime, created.updateTime);
    assert.equal(new Date(after.updateTime).getUTCSeconds(), 0);
    assert.equal(new Date(after.updateTime).getUTCMilliseconds(), 0);
    const [row] = await client.rows(REPORTS.byId, ['reservationId'], [created.id]);
    assert.match(row?.['Update time'] ?? '', /^\d\d-\d\d-\d{4} \d\d:\d\d$/);
    await ok(emulator.url, 'POST', 'profile', { updateTimeResolution: 'second' });
    await ok(emulator.url, 'PATCH', `reservations/${created.id}`, { subject: 'Third' });
    const seconds = await ok<ReservationView>(emulator.url, 'GET', `reservations/${created.id}`);
    assert.equal(new Date(seconds.updateTime).getUTCMilliseconds(), 0);
  });

  it('stamps with a skewed clock, and the changes filter compares with that clock', async () => {
    await ok(emulator.url, 'POST', 'profile', { clockSkewMs: -10 * 60_000 });
    const before = Date.now();
    await ok(emulator.url, 'POST', 'reservations', booking);
    const [row] = await client.rows(REPORTS.changes, ['updateTime'], ['01-01-2000 00:00']);
    const stamped = parse(row?.['Update time']);
    assert.ok(stamped <= before - 9 * 60_000, 'about ten minutes behind the real clock');
    assert.ok(stamped >= before - 11 * 60_000);
    const mine = DateTime.fromMillis(before - 60_000, { zone: ZONE }).toFormat(FORMAT);
    assert.equal(
      (await client.rows(REPORTS.changes, ['updateTime'], [mine])).length,
      0,
      'a watermark from the client clock misses it',
    );
    const theirs = row?.['Update time'] ?? '';
    assert.equal(
      (await client.rows(REPORTS.changes, ['updateTime', 'updateTimeUntil'], [theirs, theirs])).length,
      0,
    );
    assert.equal((await client.rows(REPORTS.changes, ['updateTime'], [theirs])).length, 1);
  });

  it('shows a participants change in the participants report later than the reservation row', async () => {
    await ok(emulator.url, 'POST', 'profile', { participantsLagMs: 60_000 });
    const created = await ok<ReservationView>(emulator.url, 'POST', 'reservations', booking);
    assert.equal((await client.rows(REPORTS.byId, ['reservationId'], [created.id])).length, 1);
    assert.equal((await client.rows(REPORTS.participants, ['reservationId'], [created.id])).length, 0);
    await ok(emulator.url, 'POST', 'clock', { advanceMs: 60_000 });
    assert.equal((await client.rows(REPORTS.participants, ['reservationId'], [created.id])).length, 1);
  });

  it('leaves UpdateTime alone on a participants-only change when the profile says so', async () => {
    await ok(emulator.url, 'POST', 'profile', {
      participantsBumpUpdateTime: false,
      updateTimeResolution: 'second',
    });
    const created = await ok<ReservationView>(emulator.url, 'POST', 'reservations', booking);
    await ok(emulator.url, 'POST', 'clock', { advanceMs: 5_000 });
    const changed = await ok<ReservationView>(emulator.url, 'PATCH', `reservations/${created.id}`, {
      participants: [{ email: 'guest@fabrikam.com' }],
    });
    assert.equal(changed.updateTime, created.updateTime);
    const moved = await ok<ReservationView>(emulator.url, 'PATCH', `reservations/${created.id}`, {
      subject: 'Moved',
    });
    assert.notEqual(moved.updateTime, created.updateTime);
  });
});
