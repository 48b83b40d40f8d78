import { REFUSAL_REASONS, type DeclineSeen, type RefusalSummary, type RoomStatusRecord } from '../store';
import { span, type Level, type PoisonItem, type RoomAssessment, type RoomFacts } from './assess';
import { BOOKING_WINDOW_SUSPECT_DAYS, safeText } from './detect';
import type { StatusReport } from './gather';

/**
 * The status page as HTML (pure: report in, text out). Everything that comes from data is escaped; no
 * script, no external asset (the page carries its own style, and the function answers with a
 * Content-Security-Policy that forbids anything else).
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Markup already made: inserted as it is. */
class Markup {
  constructor(readonly text: string) {}
}

type Part = Markup | string | number | null | undefined | false | Part[];

function part(value: Part): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(part).join('');
  return escapeHtml(String(value));
}

/** Markup whose interpolations are escaped unless they are markup themselves. */
function h(strings: TemplateStringsArray, ...values: Part[]): Markup {
  return new Markup(strings.reduce((out, s, i) => out + s + (i < values.length ? part(values[i]) : ''), ''));
}

/** `2026-11-25 10:00:00 UTC` in a <time> element. */
function time(iso: string | null | undefined): Markup {
  if (!iso) return h`<span class="none">—</span>`;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return h`${iso}`;
  return h`<time datetime="${at.toISOString()}">${at.toISOString().slice(0, 19).replace('T', ' ')} UTC</time>`;
}

function relative(iso: string | null | undefined, now: Date): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - now.getTime();
  if (Number.isNaN(ms)) return '';
  return ms >= 0 ? `in ${span(ms)}` : `${span(ms)} ago`;
}

const plural = (n: number, one: string, many: string): string => `${String(n)} ${n === 1 ? one : many}`;

const LABEL: Record<Level, string> = { ok: 'OK', warn: 'Warning', error: 'Problem' };

/** The worst level of the room's problems in these areas: a cell's colour. */
function levelOf(assessment: RoomAssessment, ...areas: string[]): Level {
  const found = assessment.problems.filter((p) => areas.includes(p.area));
  return found.some((p) => p.level === 'error') ? 'error' : found.length > 0 ? 'warn' : 'ok';
}

function roomCell({ room }: RoomFacts, assessment: RoomAssessment): Markup {
  return h`<td><span class="badge ${assessment.level}">${LABEL[assessment.level]}</span> <strong>${room.displayName}</strong>
<div><span class="k">Exchange</span> <span class="mono">${room.email}</span></div>
<div><span class="k">Workplace</span> <span class="mono">${room.workplaceRoomId}</span></div>
<div class="small">registered ${time(room.registeredAt)}</div></td>`;
}

const SUBSCRIPTION_TEXT = {
  ok: 'active',
  renewalOverdue: 'renewal overdue',
  expiring: 'expiring',
  expired: 'expired',
  missing: 'missing',
} as const;

function subscriptionCell(assessment: RoomAssessment, lifecycle: PoisonItem[], now: Date): Markup {
  const { state, current, live } = assessment.subscription;
  const left = current
    ? current.leftMs > 0
      ? `, ${span(current.leftMs)} left`
      : `, expired ${span(current.leftMs)} ago`
    : '';
  return h`<td class="cell-${levelOf(assessment, 'subscription')}" data-subscription="${state}"><strong>${SUBSCRIPTION_TEXT[state]}</strong>${left}${
    current &&
    h`<div class="small">expires ${time(current.expiresAt)}</div>
<div class="small mono" title="subscription id">${current.id}</div>
<div class="small">made ${time(current.createdAt)} (${relative(current.createdAt, now)})</div>`
  }${live > 1 && h`<div class="small">${live} live subscriptions</div>`}${lifecycle.map(
    (p) =>
      h`<div class="small">lifecycle event <strong>${p.lifecycle}</strong> not handled ${time(p.failedAt ?? p.insertedOn)}${
        p.reason && h`: ${p.reason}`
      }${p.correlationId && h` <span class="mono">${p.correlationId}</span>`}</div>`,
  )}</td>`;
}

function syncCell({ status }: RoomFacts, assessment: RoomAssessment, now: Date): Markup {
  const at = assessment.lastSyncAt;
  const last = status?.lastSync;
  return h`<td class="cell-${levelOf(assessment, 'sync')}" data-last-sync="${at ?? ''}">${
    at
      ? h`<strong>${relative(at, now)}</strong><div class="small">${time(at)}</div>`
      : h`<strong>never</strong>`
  }${last && h`<div class="small">last message: ${last.kind} <span class="mono">${last.correlationId}</span></div>`}${
    status?.lastSweep && h`<div class="small">last sweep ${time(status.lastSweep.at)}</div>`
  }</td>`;
}

const LAG_FROM = { workplaceChange: 'from the change in Workplace', queued: 'from being queued' } as const;

function lagCell({ status, waiting }: RoomFacts, assessment: RoomAssessment, now: Date): Markup {
  const change = status?.lastChange;
  return h`<td class="cell-${levelOf(assessment, 'lag')}" data-last-change="${change?.at ?? ''}">${
    change
      ? h`${change.lagMs === null ? h`<span class="none">not measured</span>` : h`<strong>${span(change.lagMs)}</strong>`}${
          change.lagFrom && h`<div class="small">${LAG_FROM[change.lagFrom]}</div>`
        }<div class="small">last change applied ${time(change.at)}</div>`
      : h`<span class="none">no change applied yet</span>`
  }<div class="small">${
    waiting && waiting.count > 0
      ? `${String(waiting.count)} waiting, oldest queued ${relative(waiting.oldestInsertedAt, now)}`
      : 'nothing waiting'
  }</div></td>`;
}

function errorsCell({ room, status }: RoomFacts, assessment: RoomAssessment): Markup {
  const last = status?.lastError;
  const since = status?.failuresSinceSync ?? 0;
  return h`<td class="cell-${levelOf(assessment, 'errors')}" data-errors="${status?.errors ?? 0}"><strong>${status?.errors ?? 0}</strong>${
    since > 0 && h` <span class="small">(${since} since the last success)</span>`
  }${
    last &&
    h`<div class="small">last ${time(last.at)}: ${safeText(last.reason, [room.email])}</div>
<div class="small">${last.kind} <span class="mono">${last.correlationId}</span></div>`
  }</td>`;
}

function conflictsCell({ room }: RoomFacts, assessment: RoomAssessment): Markup {
  const latest = assessment.conflicts[0];
  const notSynced = assessment.notSynced.length;
  return h`<td class="cell-${levelOf(assessment, 'conflicts')}" data-conflicts="${assessment.conflicts.length}"><strong>${assessment.conflicts.length}</strong>${
    latest &&
    h`<div class="small">last ${time(latest.at)}: ${latest.reason}: ${safeText(latest.summary, [room.email])}</div>`
  }${notSynced > 0 && h`<div class="small">${notSynced} not synced (a pattern Exchange cannot express)</div>`}</td>`;
}

function poisonCell(poison: PoisonItem[], assessment: RoomAssessment): Markup {
  const latest = poison[0];
  return h`<td class="cell-${levelOf(assessment, 'poison')}" data-poison="${poison.length}"><strong>${poison.length}</strong>${
    latest &&
    h`<div class="small">${latest.kind ?? 'message'} ${time(latest.failedAt ?? latest.insertedOn)}: ${
      latest.reason ?? '(no reason recorded)'
    }</div>${latest.correlationId && h`<div class="small mono">${latest.correlationId}</div>`}`
  }</td>`;
}

function declineText(decline: DeclineSeen): string {
  const ahead = decline.startsInDays === null ? 'an unknown time' : `${String(decline.startsInDays)} days`;
  const series =
    decline.endsInDays === undefined
      ? ''
      : decline.endsInDays === null
        ? ', a series with no end'
        : `, a series ending in ${String(decline.endsInDays)} days`;
  return `starting ${ahead} ahead${series}`;
}

function subjectPart(status: RoomStatusRecord | undefined, assessment: RoomAssessment): Markup {
  switch (assessment.strippingSubjects) {
    case 'replaced':
      return h`<div><strong>Subjects replaced</strong> by the organizer’s name</div><div class="small">seen ${time(status?.subjectStripped?.at)}</div>`;
    case 'prefixed':
      return h`<div><strong>Subjects prefixed</strong> with the organizer’s name</div><div class="small">seen ${time(status?.subjectStripped?.at)}</div>`;
    case null:
      return status?.subjectKeptAt
        ? h`<div>Subjects kept</div>`
        : h`<div>Subjects <span class="none">unknown yet (no copy of someone else’s meeting read)</span></div>`;
  }
}

function mailboxCell({ status }: RoomFacts, assessment: RoomAssessment): Markup {
  const window = status?.lastBookingWindowDecline;
  const decline = status?.lastDecline;
  const marker = assessment.strippingSubjects ?? (window ? 'bookingWindow' : 'ok');
  return h`<td class="cell-${levelOf(assessment, 'mailbox')}" data-mailbox="${marker}">${subjectPart(status, assessment)}${
    window &&
    h`<div><strong>${plural(status.bookingWindowDeclines, 'booking-window decline', 'booking-window declines')}</strong></div>
<div class="small">last ${time(window.at)}, ${declineText(window)}</div>`
  }${
    decline &&
    status.declines > status.bookingWindowDeclines &&
    h`<div class="small">${plural(status.declines, 'decline', 'declines')} in all; last ${declineText(decline)}</div>`
  }</td>`;
}

function problemsCell(assessment: RoomAssessment): Markup {
  return assessment.problems.length > 0
    ? h`<td><ul class="problems">${assessment.problems.map((p) => h`<li class="${p.level}">${p.text}</li>`)}</ul></td>`
    : h`<td><span class="badge ok">none</span></td>`;
}

function row(facts: RoomFacts, assessment: RoomAssessment, now: Date): Markup {
  const poison = facts.poison ?? [];
  return h`<tr class="room ${assessment.level}" data-room="${facts.room.email}" data-level="${assessment.level}">
${roomCell(facts, assessment)}
${subscriptionCell(
  assessment,
  poison.filter((p) => p.lifecycle),
  now,
)}
${syncCell(facts, assessment, now)}
${lagCell(facts, assessment, now)}
${errorsCell(facts, assessment)}
${conflictsCell(facts, assessment)}
${poisonCell(
  poison.filter((p) => !p.lifecycle),
  assessment,
)}
${mailboxCell(facts, assessment)}
${problemsCell(assessment)}
</tr>
`;
}

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 14px; color: #1f2328; }
body { margin: 24px; background: #f6f8fa; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
.summary { font-size: 17px; font-weight: 600; padding: 8px 12px; border-radius: 6px; display: inline-block; margin: 4px 0 8px; }
.meta { color: #59636e; margin: 4px 0 16px; }
table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
th, td { border: 1px solid #d1d9e0; padding: 8px 10px; vertical-align: top; text-align: left; }
th { background: #eef1f4; font-weight: 600; white-space: nowrap; }
tr.room > td:first-child { border-left-width: 6px; }
tr.room.ok > td:first-child { border-left-color: #1a7f37; }
tr.room.warn > td:first-child { border-left-color: #d4a72c; }
tr.room.error > td:first-child { border-left-color: #cf222e; }
.badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 10px; }
tr.room > td { background: #fff; }
tr.room > td:first-child { white-space: nowrap; }
.badge.ok, .summary.ok { background: #dafbe1; color: #1a7f37; }
.badge.warn, .summary.warn { background: #fff8c5; color: #7d4e00; }
.badge.error, .summary.error { background: #ffebe9; color: #a40e26; }
tr.room > td.cell-warn { background: #fff8d6; }
tr.room > td.cell-error { background: #ffebe9; }
.small { font-size: 12px; color: #59636e; margin-top: 2px; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
td:first-child .mono { overflow-wrap: normal; }
.none { color: #8c959f; }
.k { color: #59636e; font-size: 12px; display: inline-block; min-width: 70px; }
ul.problems { margin: 0; padding-left: 18px; }
ul.problems li.error { color: #a40e26; }
ul.problems li.warn { color: #7d4e00; }
.notes { color: #3d444d; max-width: 1100px; }
.notes li { margin: 4px 0; }
`;

const NOTES = h`<section class="notes">
<h2>How to read this page</h2>
<ul>
<li><strong>Last sync</strong>: when roomsync last handled a message about the room without error (a notification, a webhook, a room check or the 15-minute sweep), or the room's last sweep, whichever is later. Over 45 minutes means the room's sync has stopped.</li>
<li><strong>Lag</strong>: how long the room's last change (a notification or webhook that wrote to the other side; room checks and sweeps only tidy up) took to be applied, from the change itself when its source says when it was made (a Workplace webhook: the reservation's own time of change) or else from its queue message being queued; "not measured" when neither is known. Below it: messages about the room waiting in the sync queue (of the first 32 a peek sees; delayed retries are not visible).</li>
<li><strong>Errors</strong>: failed tries of messages about the room (each try counts), with the last one's reason (credentials and attendees' addresses masked), time, message kind and correlation id; "since the last success" starts again when a message about the room succeeds.</li>
<li><strong>Subjects replaced</strong> is a heuristic: a room's copy of someone else's meeting whose subject is the organizer's display name (Exchange's DeleteSubject with AddOrganizerToSubject, a room mailbox's defaults); "prefixed" when the subject starts with that name. It clears when a later copy keeps its subject.</li>
<li><strong>Booking-window declines</strong> are a heuristic: the room held no copy of a booking (it declined it) and roomsync declined its line in Workplace, for a booking starting more than ${BOOKING_WINDOW_SUSPECT_DAYS} days ahead (Exchange's default BookingWindowInDays), or a series running past that or without end. A room with a shorter window shows its other declines with how far ahead they were.</li>
<li><strong>Workplace webhooks refused</strong>: deliveries to /api/workplace/webhook refused before anything was done with them, over every instance, by why (no signature headers, malformed ones, a timestamp more than 5 minutes off, a signature that does not verify). The page turns to Warning for the last three: a secret rotated on one side only refuses every delivery, and Workplace's changes then wait for the 15-minute sweep. Requests without signature headers are what scanners send; they are counted only.</li>
<li><strong>Poison</strong>: messages given up on after five tries, of the first 32 per poison queue (GET /api/poison lists them, POST /api/poison/replay puts them back).</li>
</ul>
</section>`;

const REFUSAL_TEXT = {
  missingHeaders: 'no signature headers',
  malformedHeaders: 'malformed signature headers',
  staleTimestamp: 'stale timestamp',
  badSignature: 'bad signature',
} as const;

/**
 * Refusals that Workplace itself may be causing: a signature that does not verify (the secret rotated on
 * one side only), a timestamp out of tolerance (a clock off, or retries re-sent with their first
 * timestamp). Requests without any signature headers are what scanners send, so they are counted and
 * shown but do not make the page a warning.
 */
export function refusalsNeedAttention(summary: RefusalSummary | undefined): boolean {
  if (!summary) return false;
  const { badSignature, staleTimestamp, malformedHeaders } = summary.byReason;
  return badSignature + staleTimestamp + malformedHeaders > 0;
}

function refusalsPart(summary: RefusalSummary | undefined, now: Date): Markup {
  if (!summary) return h``;
  if (summary.last24Hours === 0)
    return h`<p class="meta" id="webhook-refusals" data-refused="0">Workplace webhooks refused in the last 24 h: none</p>`;
  const reasons = REFUSAL_REASONS.filter((reason) => summary.byReason[reason] > 0)
    .map((reason) => `${String(summary.byReason[reason])} ${REFUSAL_TEXT[reason]}`)
    .join(', ');
  const level = refusalsNeedAttention(summary) ? 'warn' : 'ok';
  return h`<p class="${level === 'warn' ? 'summary warn' : 'meta'}" id="webhook-refusals" data-refused="${summary.last24Hours}" data-level="${level}">Workplace webhooks refused in the last 24 h: ${summary.last24Hours} (${reasons}; ${summary.lastHour} in the last hour), last ${time(summary.lastAt)} ${relative(summary.lastAt, now)}${
    level === 'warn' &&
    h`. If Workplace’s own deliveries are refused, its changes reach Exchange only through the 15-minute sweep: check that the Key Vault secret workplace-webhook-secret is the one Workplace signs with, and that both clocks are right.`
  }</p>`;
}

export function renderStatusPage(report: StatusReport): string {
  const now = new Date(report.generatedAt);
  const { rooms, queue, poison, unreadable } = report;
  const withProblems = rooms.filter((r) => r.assessment.level !== 'ok').length;
  const failing = rooms.some((r) => r.assessment.level === 'error') || poison.unattributed.length > 0;
  const attention =
    withProblems > 0 || unreadable.length > 0 || refusalsNeedAttention(report.webhookRefusals);
  const overall: Level = failing ? 'error' : attention ? 'warn' : 'ok';
  const summary = `${plural(rooms.length, 'room', 'rooms')}, ${String(withProblems)} with problems`;
  const queued = queue.oldestInsertedAt ? `, oldest queued ${relative(queue.oldestInsertedAt, now)}` : '';
  const stray =
    poison.unattributed.length > 0
      ? ` (${String(poison.unattributed.length)} not tied to a registered room; GET /api/poison lists them)`
      : '';
  return h`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>roomsync status: ${summary}</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
<h1>roomsync status</h1>
<div class="summary ${overall}" id="summary" data-level="${overall}">${summary}</div>
<p class="meta">Generated ${time(report.generatedAt)} · sync queue: ${queue.approximate} waiting${queued} · poison queues: ${poison.approximate}${stray}</p>
${refusalsPart(report.webhookRefusals, now)}
${unreadable.length > 0 && h`<p class="summary warn">Not read: ${unreadable.join('; ')}</p>`}
<table>
<thead><tr><th>Room</th><th>Graph subscription</th><th>Last sync</th><th>Lag</th><th>Errors</th><th>Conflicts</th><th>Poison</th><th>Mailbox settings</th><th>Problems</th></tr></thead>
<tbody>
${rooms.length > 0 ? rooms.map((r) => row(r.facts, r.assessment, now)) : h`<tr><td colspan="9" class="none">No room is registered (POST /api/rooms).</td></tr>`}
</tbody>
</table>
${NOTES}
</body>
</html>
`.text;
}
