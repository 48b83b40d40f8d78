import { spawn } from 'node:child_process';
import { percentile, type Report } from '../report';
import { round1, startBenchService } from '../service';
import { loadStorageConfig } from '../../shared/config';
import { QUEUES } from '../../shared/queue/messages';
import { createStorageClients } from '../../shared/storage';
import { createStore } from '../../shared/store';
import { addRoom, registerRoom } from '../../test/helpers/service-host';

/**
 * Notification acknowledgement latency: Graph change notifications POSTed to the real
 * graphNotifications function at a fixed rate (open loop: request i leaves at t0 + i / rate whether or
 * not earlier ones were answered), each a valid item for a registered room (its subscription id and
 * clientState), so each is checked against the subscriptions table and enqueued on sync-changes.
 * Latency runs from the request's scheduled start to the end of the 202's body, so a request that
 * had to wait for a free socket or event loop counts its wait (no coordinated omission). The sender
 * is a process of its own, so neither its event loop nor its CPU is the host's.
 */

const RATE = 200;
const SECONDS = 5;
const WARMUP = 200;
const ROOM = 'room.ack@contoso.com';

export const scenario = {
  name: 'ack',
  async run(report: Report): Promise<void> {
    // Only the ingress and the admin API: the sync worker stays off, so what is measured is the
    // acknowledgement with nothing else of roomsync running (the messages name made-up event ids).
    const service = await startBenchService(['graph-notifications', 'rooms']);
    try {
      addRoom(service, ROOM, 'wp-ack');
      const status = await registerRoom(service, ROOM, 'wp-ack');
      if (status !== 201) throw new Error(`registering the room answered ${String(status)}`);
      const store = createStore(createStorageClients(loadStorageConfig(process.env)));
      const [subscription] = await store.subscriptions.forRoom(ROOM);
      if (!subscription) throw new Error('the room has no subscription');
      const url = `${service.host.url}/api/graph/notifications`;
      const body = (i: number): string =>
        JSON.stringify({
          value: [
            {
              subscriptionId: subscription.id,
              clientState: subscription.clientState,
              changeType: 'updated',
              resource: `Users/${ROOM}/Events/bench-${String(i)}`,
              resourceData: {
                '@odata.type': '#Microsoft.Graph.Event',
                '@odata.id': `Users/${ROOM}/Events/bench-${String(i)}`,
                '@odata.etag': `W/"ck-${String(i)}"`,
                id: `bench-${String(i)}`,
              },
              subscriptionExpirationDateTime: subscription.expiresAt,
              tenantId: 'contoso',
            },
          ],
        });
      const warm = await sendOpenLoop(
        url,
        Array.from({ length: WARMUP }, (_, i) => body(i)),
      );
      // Unsaturated reference: 100 at 20/s.
      const slow = await sendOpenLoop(
        url,
        Array.from({ length: 100 }, (_, i) => body(WARMUP + RATE * SECONDS + i)),
        20,
      );
      // Half the target rate: where one worker process is about half busy (CPU per acknowledgement below).
      const half = await sendOpenLoop(
        url,
        Array.from({ length: (RATE / 2) * SECONDS }, (_, i) => body(WARMUP + RATE * SECONDS + 100 + i)),
        RATE / 2,
      );
      const cpuBefore = process.cpuUsage();
      const run = await sendOpenLoop(
        url,
        Array.from({ length: RATE * SECONDS }, (_, i) => body(WARMUP + i)),
      );
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMsPerAck = (cpu.user + cpu.system) / 1000 / (RATE * SECONDS);
      const failures = [...warm.failures, ...slow.failures, ...half.failures, ...run.failures];
      const latencies = run.latencies;
      const elapsed = run.seconds;
      const ok = latencies.filter((l) => Number.isFinite(l));
      const queue = createStorageClients(loadStorageConfig(process.env)).queue(QUEUES.sync);
      const queued = (await queue.getProperties()).approximateMessagesCount ?? 0;

      const p = (q: number): number => round1(percentile(ok, q));
      report.row('ack p50', p(50), 'ms');
      report.row('ack p95', p(95), 'ms');
      report.row('ack p99', p(99), 'ms', { max: 20 });
      report.row('ack max', round1(Math.max(...ok)), 'ms');
      report.row(
        'requests sent / rate achieved',
        RATE * SECONDS,
        `req (${(latencies.length / elapsed).toFixed(0)}/s)`,
      );
      report.row('worker CPU per acknowledgement', round1(cpuMsPerAck), 'ms');
      report.row('ack p99 at 20/s (unsaturated)', round1(percentile(slow.latencies, 99)), 'ms');
      report.row('ack p50 at 20/s (unsaturated)', round1(percentile(slow.latencies, 50)), 'ms');
      report.row(`ack p99 at ${String(RATE / 2)}/s`, round1(percentile(half.latencies, 99)), 'ms');
      report.row(`ack p50 at ${String(RATE / 2)}/s`, round1(percentile(half.latencies, 50)), 'ms');
      report.set('ackP99Ms', p(99));
      report.set('ack', {
        rate: RATE,
        requests: RATE * SECONDS,
        p50Ms: p(50),
        p95Ms: p(95),
        p99Ms: p(99),
        maxMs: round1(Math.max(...ok)),
        failures: failures.length,
        enqueued: queued,
        cpuMsPerAck: round1(cpuMsPerAck),
        unsaturated: {
          rate: 20,
          requests: 100,
          p50Ms: round1(percentile(slow.latencies, 50)),
          p99Ms: round1(percentile(slow.latencies, 99)),
        },
        halfRate: {
          rate: RATE / 2,
          requests: (RATE / 2) * SECONDS,
          p50Ms: round1(percentile(half.latencies, 50)),
          p99Ms: round1(percentile(half.latencies, 99)),
        },
      });
      report.note(
        `${String(RATE * SECONDS)} notifications at ${String(RATE)}/s open loop over ${String(SECONDS)} s after ${String(WARMUP)} warm-up ones, one item per POST, from the scheduled start to the 202's end; ${String(failures.length)} not 202${failures.length ? ` (${[...new Set(failures)].slice(0, 3).join(', ')})` : ''}; ${String(queued)} messages on sync-changes afterwards (all ${String(WARMUP + RATE * SECONDS + 100 + (RATE / 2) * SECONDS)} expected; the sync worker was not running).`,
      );
      report.note(
        "Each acknowledgement is one queue put (the subscription it checks is read from its table once, then cached in memory: shared/ingress/subscription-cache.ts), against Azurite in a process of its own; the sender is a third process; all share the machine's cores. Worker CPU per acknowledgement is this process's user+system CPU over the 200/s phase divided by its requests: 1000 / that figure is what one core can acknowledge per second, whatever else runs.",
      );
    } finally {
      await service.close();
    }
  },
};

/** Plain JavaScript for the sender thread (no TypeScript loader needed there). */
const SENDER = `
process.once('message', ({ url, bodies, rate }) => {
const latencies = new Array(bodies.length);
const failures = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const t0 = performance.now() + 20;
  const sent = [];
  for (let i = 0; i < bodies.length; i += 1) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait - 0.5);
    while (performance.now() < due) await new Promise((r) => setImmediate(r));
    sent.push(
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i] })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 202) failures.push(String(res.status));
          latencies[i] = performance.now() - due;
        })
        .catch((err) => {
          failures.push(String(err && err.message));
          latencies[i] = NaN;
        }),
    );
  }
  await Promise.all(sent);
  process.send({ latencies, failures, seconds: (performance.now() - t0) / 1000 }, () => process.exit(0));
})();
});
`;

function sendOpenLoop(
  url: string,
  bodies: string[],
  rate = RATE,
): Promise<{ latencies: number[]; failures: string[]; seconds: number }> {
  return new Promise((resolve, reject) => {
    const sender = spawn(process.execPath, ['-e', SENDER], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    sender.once('error', reject);
    sender.once('message', (m: { latencies: number[]; failures: string[]; seconds: number }) => {
      resolve(m);
    });
    sender.send({ url, bodies, rate });
  });
}
