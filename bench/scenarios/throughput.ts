import type { HttpRequest } from '@azure/functions';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { inspect } from 'node:util';
import { percentile, type Report } from '../report';
import { graceBooks, round1, sleep, startBenchService, SYNC_PIPELINE } from '../service';
import { loadStorageConfig } from '../../shared/config';
import { QUEUES } from '../../shared/queue/messages';
import { createStorageClients } from '../../shared/storage';
import { faultsSchema } from '../../emulators/graph/faults';
import type { Stats } from '../../emulators/graph/server';
import { daysFromAMonthAhead } from '../../test/helpers/dates';
import {
  addRoom,
  connectWorkplaceWebhook,
  quiescent,
  registerRoom,
  sideClients,
} from '../../test/helpers/service-host';

/**
 * Throughput under a burst: ROOMS rooms registered through the rooms endpoint, then CHANGES new
 * bookings started at once (bounded only by SENDERS concurrent senders in the bench), spread over the
 * rooms, half made in Exchange (an Outlook meeting organised by one of 50 people, inviting the room,
 * through the Graph emulator's HTTP API) and half in Workplace (Grace's reservation, through its API).
 * Change i goes to room i % ROOMS, on day i / ROOMS of the sweep (one booking per room and day, so no
 * clash), and the direction alternates by room and by sweep, so every room gets both kinds.
 *
 * "Readable on the other side" is watched in the emulators' own state, in this process, so that the
 * bench adds no Graph request to a room mailbox while the service works there (the emulator's
 * per-mailbox counters are then the service's alone): the Graph emulator's event store reports each
 * write (an event for a Workplace change appearing in the room's calendar), and Workplace's
 * reservations are scanned every POLL_MS (one pass over all of them, not one request per change).
 * Once every change is seen, or TIMEOUT_S after the last send, and the service has gone quiet, each
 * room is read once through the real APIs (calendarView, GET /reservations): a change missing there
 * is lost, one found twice a duplicate.
 *
 * Concurrency per mailbox is the Graph emulator's: `peakAttempted` (requests admitted plus the one
 * arriving, so above 4 only when the service sent a fifth) and concurrency 429s. Those counters cover
 * the whole run (registration included); only the service calls the rooms' mailboxes, the bench's own
 * Outlook writes go to the organisers'. For the burst the emulator answers each Graph request after
 * GRAPH_LATENCY_MS (100 ms, Graph's order of magnitude): with none it handles a request within the tick
 * that admitted it, so no two are ever in flight there at once and the limit is never put to the test.
 *
 * Also reported, to tell where the time goes: sync worker invocations by message kind, the queue's
 * depth, this process's CPU and event-loop delay, and the ingress functions' times (a Graph
 * notification POST answered after 3 s is sent again by Graph, a Workplace webhook after 2 s here).
 */

function setting(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer of at least ${String(min)}`);
  return value;
}

const ROOMS = setting('BENCH_THROUGHPUT_ROOMS', 50);
const CHANGES = setting('BENCH_THROUGHPUT_CHANGES', 500);
const SENDERS = setting('BENCH_THROUGHPUT_SENDERS', 32);
const TIMEOUT_S = setting('BENCH_THROUGHPUT_TIMEOUT_SECONDS', 240);
const PEOPLE = 50;
const GRAPH_LATENCY_MS = setting('BENCH_THROUGHPUT_GRAPH_LATENCY_MS', 100, 0);
const POLL_MS = 25;
const LIMIT = 4;
const GRACE = 'grace@contoso.com';

type Direction = 'exchangeToWorkplace' | 'workplaceToExchange';

interface Change {
  i: number;
  direction: Direction;
  room: string;
  roomId: string;
  day: string;
  subject: string;
  /** performance.now() when its request left, and when the other side had it. */
  sent?: number;
  seen?: number;
  error?: string;
}

const roomEmail = (r: number): string => `room.tp${String(r).padStart(3, '0')}@contoso.com`;
const roomIdOf = (r: number): string => `wp-tp${String(r).padStart(3, '0')}`;
const person = (p: number): string => `person.tp${String(p).padStart(2, '0')}@contoso.com`;

function sum(record: Record<string, number>, keys: Iterable<string>): number {
  let total = 0;
  for (const k of keys) total += record[k] ?? 0;
  return total;
}

function maxOf(record: Record<string, number>, keys: Iterable<string>): number {
  let max = 0;
  for (const k of keys) max = Math.max(max, record[k] ?? 0);
  return max;
}

export const scenario = {
  name: 'throughput',
  async run(report: Report): Promise<void> {
    const service = await startBenchService(SYNC_PIPELINE);
    try {
      const day = daysFromAMonthAhead();
      const rooms = Array.from({ length: ROOMS }, (_, r) => ({ email: roomEmail(r), id: roomIdOf(r) }));
      const roomSet = new Set(rooms.map((r) => r.email));
      for (const room of rooms) addRoom(service, room.email, room.id);
      for (let p = 0; p < PEOPLE; p += 1)
        service.graph.directory.add({ email: person(p), displayName: `Person ${String(p)}`, kind: 'person' });
      service.graph.directory.add({ email: GRACE, displayName: 'Grace Hopper', kind: 'person' });
      const people = new Set([...Array.from({ length: PEOPLE }, (_, p) => person(p)), GRACE]);
      connectWorkplaceWebhook(service);
      const { graph, workplace } = await sideClients(service);

      // Registration, 4 rooms at a time, as an administrator's script might.
      const registerStarted = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let r = next++; r < ROOMS; r = next++) {
            const room = rooms[r];
            if (!room) continue;
            const status = await registerRoom(service, room.email, room.id);
            if (status !== 201) throw new Error(`registering ${room.email} answered ${String(status)}`);
          }
        }),
      );
      await quiescent(service, 2500, 120_000);
      const registerSeconds = (performance.now() - registerStarted) / 1000;
      const before = service.graph.stats();

      const changes: Change[] = Array.from({ length: CHANGES }, (_, i) => {
        const r = i % ROOMS;
        const sweep = Math.floor(i / ROOMS);
        const direction: Direction = (r + sweep) % 2 === 0 ? 'exchangeToWorkplace' : 'workplaceToExchange';
        const room = rooms[r] ?? { email: roomEmail(r), id: roomIdOf(r) };
        return {
          i,
          direction,
          room: room.email,
          roomId: room.id,
          day: day(sweep),
          subject: `TP ${String(i)} ${direction === 'exchangeToWorkplace' ? 'E2W' : 'W2E'}`,
        };
      });
      const bySubject = new Map(changes.map((c) => [c.subject, c]));
      const toExchange = changes.filter((c) => c.direction === 'workplaceToExchange');
      const toWorkplace = changes.filter((c) => c.direction === 'exchangeToWorkplace');
      let unseen = changes.length;
      const markSeen = (c: Change, room: string): void => {
        if (c.seen !== undefined || c.room !== room) return;
        c.seen = performance.now();
        unseen -= 1;
      };

      // Exchange side: the room's calendar gets the event the service wrote.
      service.graph.events.onChange(({ changeType, mailbox, event }) => {
        if (changeType === 'deleted' || event.isCancelled || !roomSet.has(mailbox.email)) return;
        const c = bySubject.get(event.subject);
        if (c?.direction === 'workplaceToExchange') markSeen(c, mailbox.email);
      });
      // Workplace side: one pass over the reservations every POLL_MS.
      const roomByWorkplaceId = new Map(rooms.map((r) => [r.id, r.email]));
      const burstOver = new AbortController();
      const watcher = (async () => {
        while (!burstOver.signal.aborted) {
          for (const reservation of service.workplace.store.all()) {
            if (reservation.cancelled) continue;
            const c = bySubject.get(reservation.subject);
            if (c?.direction !== 'exchangeToWorkplace' || c.seen !== undefined) continue;
            for (const line of reservation.lines) {
              if (line.status !== 'declined') markSeen(c, roomByWorkplaceId.get(line.roomId) ?? '');
            }
          }
          await sleep(POLL_MS);
        }
      })();

      // The service's own activity during the burst: sync worker invocations, failures, overlap, queue depth.
      let invocations = 0;
      let running = 0;
      let peakRunning = 0;
      const failures = new Map<string, number>();
      const byKind = new Map<string, number>();
      let redelivered = 0;
      let putBack = 0;
      type Ctx = {
        invocationContext: { functionName: string; triggerMetadata?: Record<string, unknown> };
        inputs: unknown[];
        result?: unknown;
        error?: unknown;
      };
      const hooks = service.host.app.hooks as unknown as {
        preInvocation: ((c: Ctx) => void)[];
        postInvocation: ((c: Ctx) => void)[];
      };
      // The ingress functions: a notification answered after Graph's 3 s (Workplace's 2 s here) is sent again.
      interface IngressTally {
        invocations: number;
        statuses: Record<string, number>;
        over2s: number;
        over3s: number;
        maxMs: number;
      }
      const ingress = new Map<string, IngressTally>();
      const startedAt = new WeakMap<object, number>();
      // Items per Graph notification POST (read from a clone of the request), with the time it took.
      const itemsOf = new WeakMap<object, Promise<number>>();
      const posts: { ms: number; items: Promise<number> }[] = [];
      // Workplace deliveries: from the change (the event's occurredAt) to the function's start, each
      // delivery's first arrival.
      const firstArrival = new Map<string, number>();
      hooks.preInvocation.push((c) => {
        if (c.invocationContext.functionName !== 'syncWorker') {
          startedAt.set(c.invocationContext, performance.now());
          if (c.invocationContext.functionName === 'workplaceWebhook') {
            const arrived = Date.now();
            void (c.inputs[0] as HttpRequest)
              .clone()
              .json()
              .then((body) => {
                const { deliveryId, occurredAt } = body as { deliveryId?: string; occurredAt?: string };
                if (deliveryId === undefined || occurredAt === undefined || firstArrival.has(deliveryId))
                  return;
                firstArrival.set(deliveryId, arrived - Date.parse(occurredAt));
              })
              .catch(() => undefined);
          }
          if (c.invocationContext.functionName === 'graphNotifications') {
            const request = c.inputs[0] as HttpRequest;
            itemsOf.set(
              c.invocationContext,
              request
                .clone()
                .json()
                .then((body) => (body as { value?: unknown[] }).value?.length ?? 0)
                .catch(() => 0),
            );
          }
          return;
        }
        invocations += 1;
        running += 1;
        const message = c.inputs[0] as { kind?: string; waits?: number } | undefined;
        const kind = message?.kind ?? 'unknown';
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
        if ((message?.waits ?? 0) > 0) putBack += 1;
        const dequeueCount = c.invocationContext.triggerMetadata?.['dequeueCount'];
        if (typeof dequeueCount === 'number' && dequeueCount > 1) redelivered += 1;
        peakRunning = Math.max(peakRunning, running);
      });
      hooks.postInvocation.push((c) => {
        const fn = c.invocationContext.functionName;
        if (fn !== 'syncWorker') {
          const ms = performance.now() - (startedAt.get(c.invocationContext) ?? performance.now());
          const t = ingress.get(fn) ?? { invocations: 0, statuses: {}, over2s: 0, over3s: 0, maxMs: 0 };
          t.invocations += 1;
          const status =
            c.error === undefined
              ? String((c.result as { status?: number } | undefined)?.status ?? 200)
              : 'threw';
          t.statuses[status] = (t.statuses[status] ?? 0) + 1;
          if (ms > 2000) t.over2s += 1;
          if (ms > 3000) t.over3s += 1;
          t.maxMs = Math.max(t.maxMs, round1(ms));
          ingress.set(fn, t);
          const items = itemsOf.get(c.invocationContext);
          if (items) posts.push({ ms, items });
          return;
        }
        running -= 1;
        if (c.error !== undefined) {
          const message = (c.error instanceof Error ? c.error.message : inspect(c.error)).slice(0, 160);
          failures.set(message, (failures.get(message) ?? 0) + 1);
        }
      });
      const storage = createStorageClients(loadStorageConfig(process.env));
      const syncQueue = storage.queue(QUEUES.sync);
      let peakQueue = 0;
      const sampler = (async () => {
        while (!burstOver.signal.aborted) {
          const depth = (await syncQueue.getProperties()).approximateMessagesCount ?? 0;
          peakQueue = Math.max(peakQueue, depth);
          await sleep(500);
        }
      })();

      // The burst.
      const send = async (c: Change): Promise<void> => {
        c.sent = performance.now();
        if (c.direction === 'exchangeToWorkplace') {
          await graph.api(`/users/${person(c.i % PEOPLE)}/events`).post({
            subject: c.subject,
            start: { dateTime: `${c.day}T09:00:00`, timeZone: 'W. Europe Standard Time' },
            end: { dateTime: `${c.day}T10:00:00`, timeZone: 'W. Europe Standard Time' },
            attendees: [{ type: 'resource', emailAddress: { address: c.room, name: c.room } }],
          });
        } else {
          await workplace.createReservation(
            graceBooks(c.roomId, c.subject, `${c.day}T14:00:00`, `${c.day}T15:00:00`, 'Europe/Brussels'),
            `bench-tp-${String(c.i)}`,
          );
        }
      };
      // Graph's own time per request: without it the emulator answers within the tick it admitted the
      // request in, so no two requests are ever in flight at once there and the peak means nothing.
      service.graph.gate.setFaults(faultsSchema.parse({ latencyMs: GRAPH_LATENCY_MS }));
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      const cpuBefore = process.cpuUsage();
      const t0 = performance.now();
      let cursor = 0;
      await Promise.all(
        Array.from({ length: SENDERS }, async () => {
          for (let i = cursor++; i < changes.length; i = cursor++) {
            const c = changes[i];
            if (!c) continue;
            try {
              await send(c);
            } catch (err) {
              c.error = err instanceof Error ? err.message : String(err);
            }
          }
        }),
      );
      const sentAll = performance.now();
      const deadline = sentAll + TIMEOUT_S * 1000;
      while (unseen > 0 && performance.now() < deadline) await sleep(POLL_MS);
      const seenAll = performance.now();
      const cpu = process.cpuUsage(cpuBefore);
      const notificationPosts = await Promise.all(
        posts.map(async (post) => ({ ms: post.ms, items: await post.items })),
      );
      const slowPosts = notificationPosts.filter((post) => post.ms > 3000);
      const itemsIn = (ps: { items: number }[]): number => ps.reduce((a, post) => a + post.items, 0);
      loopDelay.disable();
      const lagMs = (q: number): number => round1(loopDelay.percentile(q) / 1e6);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      burstOver.abort();
      await Promise.all([watcher, sampler]);
      await quiescent(service, 2500, 120_000);
      const after = service.graph.stats();
      const workplaceStats = service.workplace.stats();

      // Each room once through the real APIs: every change once on both sides.
      const from = new Date(`${day(0)}T00:00:00Z`);
      const to = new Date(`${day(Math.ceil(CHANGES / ROOMS) + 1)}T00:00:00Z`);
      const inExchange = new Map<string, number>();
      const inWorkplace = new Map<string, number>();
      const bump = (m: Map<string, number>, k: string): void => {
        m.set(k, (m.get(k) ?? 0) + 1);
      };
      for (const room of rooms) {
        let url: string | undefined =
          `/users/${room.email}/calendarView?startDateTime=${from.toISOString()}&endDateTime=${to.toISOString()}`;
        while (url !== undefined) {
          const page = (await graph.api(url).header('Prefer', 'odata.maxpagesize=100').get()) as {
            value: { subject: string; isCancelled?: boolean }[];
            '@odata.nextLink'?: string;
          };
          for (const e of page.value)
            if (e.isCancelled !== true) bump(inExchange, `${room.email}|${e.subject}`);
          url = page['@odata.nextLink'];
        }
        for await (const r of workplace.listReservations({ roomId: room.id, from, to }))
          if (!r.cancelled) bump(inWorkplace, `${room.email}|${r.subject}`);
      }
      const lost: Change[] = [];
      const notSent = changes.filter((c) => c.error !== undefined);
      let duplicates = 0;
      for (const c of changes) {
        const key = `${c.room}|${c.subject}`;
        const other = c.direction === 'exchangeToWorkplace' ? inWorkplace : inExchange;
        const own = c.direction === 'exchangeToWorkplace' ? inExchange : inWorkplace;
        const n = other.get(key) ?? 0;
        // A change whose request failed in the bench may still have been made (a lost answer): it
        // counts as lost only if it reached its own side.
        if (n === 0 && (c.error === undefined || (own.get(key) ?? 0) > 0)) lost.push(c);
        duplicates += Math.max(0, n - 1) + Math.max(0, (own.get(key) ?? 0) - 1);
      }
      const poison = storage.queue(`${QUEUES.sync}-poison`);
      const poisoned = (await poison.exists())
        ? ((await poison.getProperties()).approximateMessagesCount ?? 0)
        : 0;

      // Figures.
      const seen = changes.filter((c) => c.seen !== undefined && c.sent !== undefined);
      const latency = (cs: Change[]): number[] => cs.map((c) => (c.seen ?? 0) - (c.sent ?? 0));
      const lastSeen = Math.max(...seen.map((c) => c.seen ?? 0));
      const firstSent = Math.min(...changes.map((c) => c.sent ?? Infinity));
      const span = seen.length > 0 ? (lastSeen - firstSent) / 1000 : Number.NaN;
      const perSecond = Math.round((seen.length / span) * 10) / 10;
      const all = latency(seen);
      const p = (xs: number[], q: number): number => round1(percentile(xs, q));
      const roomKeys = [...roomSet];
      const peopleKeys = [...people];
      const peakAttempted = maxOf(after.peakAttempted, roomKeys);
      const peakAdmitted = maxOf(after.peakInFlight, roomKeys);
      const roomsAtLimit = roomKeys.filter((k) => (after.peakAttempted[k] ?? 0) >= LIMIT).length;
      const concurrency429 = sum(after.concurrencyThrottledByMailbox, roomKeys);
      const throttledDuring = {
        concurrency: after.throttledBy.concurrency - before.throttledBy.concurrency,
        requests: after.throttledBy.requests - before.throttledBy.requests,
        injected: after.throttledBy.injected - before.throttledBy.injected,
      };
      const delta = (s: Stats, b: Stats, keys: string[]): number =>
        sum(s.byMailbox, keys) - sum(b.byMailbox, keys);
      const roomCalls = delta(after, before, roomKeys);

      report.row('changes/s (all changes / first sent → last readable)', perSecond, 'changes/s');
      report.row('per-change latency p50', p(all, 50), 'ms');
      report.row('per-change latency p95', p(all, 95), 'ms');
      report.row('Graph peak in flight per room mailbox (as sent)', peakAttempted, 'requests', {
        max: LIMIT,
      });
      report.row('Graph 429s for concurrency (room mailboxes, whole run)', concurrency429, '429s', {
        max: 0,
      });
      report.row('changes lost', lost.length, 'changes', { max: 0 });
      report.row('duplicates', duplicates, 'items', { max: 0 });

      const dirLine = (name: string, cs: Change[]): string => {
        const xs = latency(cs.filter((c) => c.seen !== undefined && c.sent !== undefined));
        return `${name}: ${String(xs.length)}/${String(cs.length)} readable, p50 ${String(p(xs, 50))} ms, p95 ${String(p(xs, 95))} ms, p99 ${String(p(xs, 99))} ms, max ${String(round1(Math.max(...xs)))} ms`;
      };
      report.note(
        `${String(CHANGES)} changes over ${String(ROOMS)} rooms (${String(toWorkplace.length)} Outlook meetings by ${String(PEOPLE)} organisers, ${String(toExchange.length)} Workplace reservations), ${String(SENDERS)} senders, Graph answering each request after ${String(GRAPH_LATENCY_MS)} ms; all sent in ${String(round1((sentAll - t0) / 1000))} s, last readable ${String(round1(span))} s after the first send${unseen > 0 ? ` (gave up ${String(TIMEOUT_S)} s after the last send with ${String(unseen)} unseen)` : ''}.`,
      );
      report.note(dirLine('Exchange→Workplace', toWorkplace));
      report.note(dirLine('Workplace→Exchange', toExchange));
      report.note(
        `Graph, room mailboxes (only the service calls them): peak in flight ${String(peakAttempted)} as sent, ${String(peakAdmitted)} admitted; ${String(roomsAtLimit)} of ${String(ROOMS)} rooms reached ${String(LIMIT)}; concurrency 429s ${String(concurrency429)} over the whole run. 429s during the burst by cause: concurrency ${String(throttledDuring.concurrency)}, request budget ${String(throttledDuring.requests)}, injected ${String(throttledDuring.injected)}. Service's Graph requests to rooms during the burst: ${String(roomCalls)} (${String(Math.round((roomCalls / CHANGES) * 100) / 100)} a change, echoes and room checks included).`,
      );
      report.note(
        `organisers' and Grace's mailboxes (the bench's Outlook writes; the emulator copies meetings between mailboxes without requests): peak in flight ${String(maxOf(after.peakAttempted, peopleKeys))}, concurrency 429s ${String(sum(after.concurrencyThrottledByMailbox, peopleKeys))}, requests ${String(delta(after, before, peopleKeys))}.`,
      );
      report.note(
        `sync worker: ${String(invocations)} invocations (${[...byKind].map(([k, n]) => `${k} ${String(n)}`).join(', ')}; ${String(putBack)} put back to wait for another worker's link, ${String(redelivered)} redelivered), up to ${String(peakRunning)} at once, ${String([...failures.values()].reduce((a, b) => a + b, 0))} failed${failures.size > 0 ? ` (${[...failures].map(([m, n]) => `${String(n)}× ${m}`).join('; ')})` : ''}; sync queue up to ${String(peakQueue)} messages (sampled every 500 ms); poison ${String(poisoned)}. Workplace requests ${String(workplaceStats.total)}. Registration of ${String(ROOMS)} rooms, 4 at a time, until quiet: ${String(round1(registerSeconds))} s.`,
      );
      report.note(
        `this process (host, its functions, both emulators, the bench's senders) during the burst: CPU ${String(round1(cpuSeconds))} s over ${String(round1((seenAll - t0) / 1000))} s (${String(round1((cpuSeconds * 1000) / CHANGES))} ms a change); event-loop delay p50 ${String(lagMs(50))} ms, p99 ${String(lagMs(99))} ms, max ${String(round1(loopDelay.max / 1e6))} ms.`,
      );
      report.note(
        `ingress during the burst: ${[...ingress]
          .map(
            ([fn, t]) =>
              `${fn} ${String(t.invocations)} requests (${Object.entries(t.statuses)
                .map(([k, n]) => `${k} ×${String(n)}`)
                .join(
                  ', ',
                )}), ${String(t.over2s)} over 2 s, ${String(t.over3s)} over 3 s, slowest ${String(t.maxMs)} ms`,
          )
          .join(
            '; ',
          )}; Graph notification POSTs carried ${String(itemsIn(notificationPosts))} items (up to ${String(Math.max(0, ...notificationPosts.map((post) => post.items)))} in one); those answered after 3 s, which Graph sends again, carried ${String(itemsIn(slowPosts))} (${slowPosts.map((post) => `${String(post.items)} in ${String(Math.round(post.ms))} ms`).join(', ') || 'none'}); Workplace deliveries reached the function p50 ${String(p([...firstArrival.values()], 50))} ms, p95 ${String(p([...firstArrival.values()], 95))} ms, max ${String(p([...firstArrival.values()], 100))} ms after the change; Workplace webhooks (whole run): ${String(workplaceStats.webhooks.attempts)} attempts, ${String(workplaceStats.webhooks.failedAttempts)} failed or timed out, ${String(workplaceStats.webhooks.dropped)} given up after the last retry.`,
      );
      if (lost.length > 0)
        report.note(
          `LOST (${String(lost.length)}): ${lost
            .slice(0, 20)
            .map(
              (c) =>
                `${c.subject} in ${c.room}${c.error ? ` (send failed: ${c.error})` : c.seen === undefined ? ' (never seen)' : ' (seen, then gone)'}`,
            )
            .join('; ')}${lost.length > 20 ? '; …' : ''}.`,
        );
      if (notSent.length > 0)
        report.note(
          `the bench failed to make ${String(notSent.length)} changes: ${notSent
            .slice(0, 5)
            .map((c) => `${c.subject}: ${c.error ?? ''}`)
            .join('; ')}.`,
        );
      if (duplicates > 0) report.note(`duplicates: ${String(duplicates)} extra events or reservations.`);

      report.set('throughputChangesPerSecond', perSecond);
      report.set('peakGraphInFlightPerMailbox', peakAttempted);
      report.set('throughput', {
        rooms: ROOMS,
        changes: CHANGES,
        senders: SENDERS,
        organisers: PEOPLE,
        graphLatencyMs: GRAPH_LATENCY_MS,
        sendSeconds: round1((sentAll - t0) / 1000),
        lastReadableSeconds: round1(span),
        waitedSeconds: round1((seenAll - t0) / 1000),
        latencyMs: {
          p50: p(all, 50),
          p95: p(all, 95),
          p99: p(all, 99),
          max: round1(Math.max(...all)),
          exchangeToWorkplace: {
            p50: p(latency(toWorkplace.filter((c) => c.seen !== undefined)), 50),
            p95: p(latency(toWorkplace.filter((c) => c.seen !== undefined)), 95),
          },
          workplaceToExchange: {
            p50: p(latency(toExchange.filter((c) => c.seen !== undefined)), 50),
            p95: p(latency(toExchange.filter((c) => c.seen !== undefined)), 95),
          },
        },
        graph: {
          peakAttemptedPerRoomMailbox: peakAttempted,
          peakAdmittedPerRoomMailbox: peakAdmitted,
          roomsAtLimit,
          concurrency429RoomMailboxes: concurrency429,
          throttledDuringBurst: throttledDuring,
          throttledWholeRun: after.throttledBy,
          roomRequestsDuringBurst: roomCalls,
          peakAttemptedPeopleMailboxes: maxOf(after.peakAttempted, peopleKeys),
        },
        lost: lost.map((c) => ({
          subject: c.subject,
          room: c.room,
          direction: c.direction,
          error: c.error,
          seen: c.seen !== undefined,
        })),
        notSent: notSent.length,
        duplicates,
        poisoned,
        syncWorker: {
          invocations,
          byKind: Object.fromEntries(byKind),
          putBack,
          redelivered,
          peakConcurrent: peakRunning,
          failures: Object.fromEntries(failures),
          peakQueueDepth: peakQueue,
        },
        ingress: Object.fromEntries(ingress),
        workplaceDeliveryLagMs: {
          p50: p([...firstArrival.values()], 50),
          p95: p([...firstArrival.values()], 95),
          max: p([...firstArrival.values()], 100),
        },
        notificationPosts: notificationPosts.map((post) => ({ items: post.items, ms: round1(post.ms) })),
        process: {
          cpuSeconds: round1(cpuSeconds),
          eventLoopDelayMs: { p50: lagMs(50), p99: lagMs(99), max: round1(loopDelay.max / 1e6) },
        },
        workplaceRequests: workplaceStats.total,
        workplaceWebhooks: workplaceStats.webhooks,
        registerSeconds: round1(registerSeconds),
      });
    } finally {
      await service.close();
    }
  },
};
