import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessRoom, type RoomFacts } from '../../../shared/status/assess';
import type { StatusReport } from '../../../shared/status/gather';
import { escapeHtml, renderStatusPage } from '../../../shared/status/render';

const NOW = new Date('2026-03-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
const MIN = 60_000;

function room(email: string, name: string, overrides: Partial<RoomFacts> = {}): RoomFacts {
  return {
    room: {
      email,
      workplaceRoomId: `wp-${name.toLowerCase()}`,
      displayName: name,
      timeZone: 'UTC',
      registeredAt: ago(60 * MIN),
    },
    status: {
      room: email,
      lastSync: { at: ago(MIN), kind: 'workplaceChange', correlationId: 'corr-1' },
      lastSweep: { at: ago(5 * MIN), kind: 'reconcile', correlationId: 'corr-sweep' },
      lastChange: { at: ago(MIN), correlationId: 'corr-1', lagMs: 1800, lagFrom: 'workplaceChange' },
      errors: 0,
      failuresSinceSync: 0,
      lastError: null,
      subjectStripped: null,
      subjectKeptAt: ago(MIN),
      declines: 0,
      lastDecline: null,
      bookingWindowDeclines: 0,
      lastBookingWindowDecline: null,
    },
    subscriptions: [
      {
        id: 'sub-123',
        room: email,
        expiresAt: new Date(NOW.getTime() + 60 * 60 * MIN).toISOString(),
        clientState: 'THE-CLIENT-STATE',
        createdAt: ago(10 * MIN),
      },
    ],
    conflicts: [],
    poison: [],
    waiting: { count: 0, oldestInsertedAt: null },
    ...overrides,
  };
}

function report(rooms: RoomFacts[], overrides: Partial<StatusReport> = {}): StatusReport {
  return {
    generatedAt: NOW.toISOString(),
    rooms: rooms.map((facts) => ({ facts, assessment: assessRoom(facts, NOW) })),
    queue: { approximate: 0, oldestInsertedAt: null },
    poison: { approximate: 0, unattributed: [] },
    unreadable: [],
    ...overrides,
  };
}

const rowOf = (page: string, email: string): string => {
  const start = page.indexOf(`data-room="${email}"`);
  assert.ok(start > 0, `a row for ${email}`);
  return page.slice(start, page.indexOf('</tr>', start));
};

describe('renderStatusPage', () => {
  it('a summary line, the generation time, one row per room with its state and figures', () => {
    const page = renderStatusPage(
      report([
        room('room.alpha@contoso.com', 'Alpha'),
        room('room.beta@contoso.com', 'Beta', { subscriptions: [] }),
      ]),
    );
    assert.match(page, /^<!doctype html>/);
    assert.match(
      page,
      /<div class="summary error" id="summary" data-level="error">2 rooms, 1 with problems<\/div>/,
    );
    assert.match(page, /Generated <time datetime="2026-03-01T12:00:00.000Z">2026-03-01 12:00:00 UTC<\/time>/);
    const alpha = rowOf(page, 'room.alpha@contoso.com');
    assert.match(alpha, /data-level="ok"/);
    assert.match(alpha, /wp-alpha/);
    assert.match(alpha, /data-subscription="ok"[^]*active<\/strong>, 2 d 12 h left[^]*sub-123/);
    assert.match(alpha, /data-last-sync="2026-03-01T11:59:00.000Z"[^]*1 min ago/);
    assert.match(alpha, /<strong>1.8 s<\/strong>[^]*from the change in Workplace/);
    const beta = rowOf(page, 'room.beta@contoso.com');
    assert.match(beta, /data-level="error"/);
    assert.match(page, /<tr class="room error" data-room="room.beta@contoso.com"/);
    assert.match(beta, /data-subscription="missing"/);
    assert.match(beta, /No Graph subscription/);
    assert.ok(!page.includes('THE-CLIENT-STATE'), 'the clientState is a secret');
  });

  it('everything from data is escaped', () => {
    const evil = room('room.alpha@contoso.com', '<script>alert(1)</script>', {
      status: {
        ...room('x', 'x').status!,
        errors: 1,
        failuresSinceSync: 1,
        lastError: {
          at: ago(10_000),
          kind: 'graphChange',
          reason: 'Error: <img src=x onerror=alert(2)> & "quoted"',
          correlationId: '"><b>',
        },
      },
    });
    const page = renderStatusPage(report([evil]));
    assert.ok(!page.includes('<script>alert'), 'no script from data');
    assert.ok(!page.includes('<img'), 'no markup from data');
    assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(page.includes('&lt;img src=x onerror=alert(2)&gt; &amp; &quot;quoted&quot;'));
    assert.ok(page.includes('&quot;&gt;&lt;b&gt;'));
    assert.equal(escapeHtml(`<a href='x'>&</a>`), '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('no attendee address even if one slipped into a recorded reason or a conflict summary', () => {
    const facts = room('room.alpha@contoso.com', 'Alpha', {
      conflicts: [
        {
          room: 'room.alpha@contoso.com',
          at: ago(MIN),
          reason: 'bothChanged',
          linkId: 'l',
          reservationId: 'r',
          eventId: null,
          summary: 'Changed by grace@contoso.com',
        },
      ],
    });
    facts.status!.lastError = {
      at: ago(MIN),
      kind: 'graphChange',
      reason: 'Error: ada@contoso.com is not in room.alpha@contoso.com',
      correlationId: 'c',
    };
    const page = renderStatusPage(report([facts]));
    assert.ok(!/ada@|grace@/.test(page));
    assert.match(page, /\[address\] is not in room.alpha@contoso.com/);
  });

  it('mailbox findings, poison and waiting work are shown with their times', () => {
    const facts = room('room.alpha@contoso.com', 'Alpha', {
      poison: [
        {
          queue: 'sync-changes',
          insertedOn: ago(3 * MIN),
          kind: 'graphChange',
          correlationId: 'corr-poison',
          reason: 'GraphFailure: 500',
          failedAt: ago(3 * MIN),
        },
      ],
      waiting: { count: 2, oldestInsertedAt: ago(7 * MIN) },
    });
    const decline = {
      at: ago(MIN),
      correlationId: 'c',
      startsAt: '2026-10-01T08:00:00.000Z',
      startsInDays: 213,
      bookingWindow: true,
    };
    Object.assign(facts.status!, {
      subjectStripped: { at: ago(MIN), how: 'replaced', correlationId: 'c' },
      subjectKeptAt: ago(10 * MIN),
      declines: 1,
      lastDecline: decline,
      bookingWindowDeclines: 1,
      lastBookingWindowDecline: decline,
    });
    const row = rowOf(renderStatusPage(report([facts])), 'room.alpha@contoso.com');
    assert.match(row, /Subjects replaced/);
    assert.match(row, /1 booking-window decline<\/strong>[^]*starting 213 days ahead/);
    assert.match(row, /data-poison="1"[^]*GraphFailure: 500[^]*corr-poison/);
    assert.match(row, /2 waiting, oldest queued 7 min ago/);
    assert.match(row, /<li class="error">Replaces meeting subjects/);
    assert.match(row, /<li class="warn">Declined 1 booking more than 180 days ahead/);
  });

  it('no external asset, no script', () => {
    const page = renderStatusPage(report([room('room.alpha@contoso.com', 'Alpha')]));
    assert.ok(!/<script|<link|src=|url\(|https?:\/\//i.test(page), 'self-contained');
  });

  it('no rooms, unreadable parts and poison of no room are said so', () => {
    const page = renderStatusPage(
      report([], {
        unreadable: ['the sync queue: HTTP 403 AuthorizationFailure'],
        poison: { approximate: 1, unattributed: [{ queue: 'sync-changes', insertedOn: ago(MIN) }] },
      }),
    );
    assert.match(page, /0 rooms, 0 with problems/);
    assert.match(page, /data-level="error"/);
    assert.match(page, /No room is registered/);
    assert.match(page, /Not read: the sync queue: HTTP 403/);
    assert.match(page, /1 not tied to a registered room/);
  });

  it('refused Workplace webhooks: counted by why, with the last time; a bad signature makes the page a warning', () => {
    const refusals = (
      byReason: Partial<Record<'missingHeaders' | 'badSignature' | 'staleTimestamp', number>>,
    ) => {
      const counts = {
        missingHeaders: 0,
        malformedHeaders: 0,
        staleTimestamp: 0,
        badSignature: 0,
        ...byReason,
      };
      const total = counts.missingHeaders + counts.staleTimestamp + counts.badSignature;
      return {
        last24Hours: total,
        lastHour: total,
        byReason: counts,
        lastAt: ago(2 * MIN),
        lastReason: 'badSignature' as const,
      };
    };
    const healthy = [room('room.alpha@contoso.com', 'Alpha')];
    const rotated = renderStatusPage(
      report(healthy, { webhookRefusals: refusals({ badSignature: 12, staleTimestamp: 1 }) }),
    );
    assert.match(rotated, /id="summary" data-level="warn"/);
    assert.match(
      rotated,
      /Workplace webhooks refused in the last 24 h: 13 \(1 stale timestamp, 12 bad signature; 13 in the last hour\), last <time/,
    );
    assert.match(rotated, /workplace-webhook-secret/);
    const scanned = renderStatusPage(report(healthy, { webhookRefusals: refusals({ missingHeaders: 40 }) }));
    assert.match(scanned, /id="summary" data-level="ok"/, 'requests without signature headers are scanners');
    assert.match(scanned, /data-refused="40" data-level="ok"/);
    const none = renderStatusPage(report(healthy, { webhookRefusals: refusals({}) }));
    assert.match(none, /Workplace webhooks refused in the last 24 h: none/);
  });
});
