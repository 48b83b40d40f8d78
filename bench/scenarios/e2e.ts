import { percentile, type Report } from '../report';
import { graceBooks, round1, sleep, startBenchService, SYNC_PIPELINE } from '../service';
import { loadStorageConfig } from '../../shared/config';
import { createStorageClients } from '../../shared/storage';
import { WorkplaceClient } from '../../shared/workplace';
import { fetchToken } from '../../test/helpers/graph-client';
import {
  addRoom,
  connectWorkplaceWebhook,
  quiescent,
  registerRoom,
  sideClients,
} from '../../test/helpers/service-host';

/**
 * End-to-end latency per direction, one change at a time: an Outlook meeting (Ada's calendar, inviting
 * the room) until its reservation is readable in Workplace, and a Workplace reservation until its event
 * is readable in the room's calendar. The readers poll every 5 ms. Between changes the service is left
 * to go quiet (echoes handled), so each change is measured alone.
 *
 * Spans per change, from the host's invocation hooks: `delivery` (change made → the ingress function
 * starts: Exchange's room processing, 10 ms in the emulator, and its 50 ms notification gathering; or
 * Workplace's webhook), `ingress` (the function's run, enqueue included), `queue` (ingress end → the
 * sync worker starts: the queue listener's polling, up to host.json's maxPollingInterval 500 ms),
 * `worker` (the sync worker's run) and `read` (worker end → the reader sees it).
 *
 * Necessary round trips, timed directly against the same emulators and Azurite in the same run
 * (median of 30 each): Exchange → Workplace = Graph GET of the room's event + Workplace POST of the
 * reservation + a Table upsert (the link) + queue put, get and delete; Workplace → Exchange =
 * Workplace GET of the reservation + Graph POST of the event into the room's calendar + a Table upsert
 * + queue put, get and delete. The overhead ratio is the p50 end-to-end latency over that sum.
 */

const CHANGES = 30;
const ROOM = 'room.e2e@contoso.com';
const ADA = 'ada@contoso.com';
const GRACE = 'grace@contoso.com';

type Phase = 'start' | 'end';
interface Mark {
  fn: string;
  phase: Phase;
  t: number;
}

interface Spans {
  delivery: number;
  ingress: number;
  queue: number;
  worker: number;
  read: number;
}

function spansOf(marks: Mark[], t0: number, seen: number, ingressFn: string): Spans | undefined {
  const inWindow = marks.filter((m) => m.t >= t0 && m.t <= seen);
  const ingressStart = inWindow.find((m) => m.fn === ingressFn && m.phase === 'start');
  const ingressEnd = inWindow.find((m) => m.fn === ingressFn && m.phase === 'end');
  if (!ingressStart || !ingressEnd) return undefined;
  const workerStart = inWindow.find(
    (m) => m.fn === 'syncWorker' && m.phase === 'start' && m.t >= ingressEnd.t,
  );
  const workerEnd = workerStart
    ? inWindow.find((m) => m.fn === 'syncWorker' && m.phase === 'end' && m.t >= workerStart.t)
    : undefined;
  if (!workerStart) return undefined;
  const end = workerEnd?.t ?? seen;
  return {
    delivery: ingressStart.t - t0,
    ingress: ingressEnd.t - ingressStart.t,
    queue: workerStart.t - ingressEnd.t,
    worker: end - workerStart.t,
    read: seen - end,
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const median = (xs: number[]): number => percentile(xs, 50);

export const scenario = {
  name: 'e2e',
  async run(report: Report): Promise<void> {
    const service = await startBenchService(SYNC_PIPELINE);
    try {
      addRoom(service, ROOM, 'wp-e2e');
      addRoom(service, 'room.ref@contoso.com', 'wp-ref');
      service.graph.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
      service.graph.directory.add({ email: GRACE, displayName: 'Grace Hopper', kind: 'person' });
      connectWorkplaceWebhook(service);
      const { graph, workplace } = await sideClients(service);
      if ((await registerRoom(service, ROOM, 'wp-e2e')) !== 201)
        throw new Error('registering the room failed');
      await quiescent(service);

      const marks: Mark[] = [];
      type Hook = (c: { invocationContext: { functionName: string } }) => void;
      const hooks = service.host.app.hooks as unknown as { preInvocation: Hook[]; postInvocation: Hook[] };
      hooks.preInvocation.push((c) =>
        marks.push({ fn: c.invocationContext.functionName, phase: 'start', t: performance.now() }),
      );
      hooks.postInvocation.push((c) =>
        marks.push({ fn: c.invocationContext.functionName, phase: 'end', t: performance.now() }),
      );

      const day = (i: number): string => {
        const d = new Date(Date.UTC(2027, 2, 1 + i));
        return d.toISOString().slice(0, 10);
      };
      const poll = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
        const deadline = performance.now() + 30_000;
        for (;;) {
          const v = await probe();
          if (v !== undefined) return v;
          if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await sleep(5);
        }
      };

      // Exchange → Workplace
      const e2w: number[] = [];
      const e2wSpans: Spans[] = [];
      for (let i = 0; i < CHANGES; i += 1) {
        const subject = `E2W ${String(i)}`;
        const t0 = performance.now();
        await graph.api(`/users/${ADA}/events`).post({
          subject,
          start: { dateTime: `${day(i)}T09:00:00`, timeZone: 'W. Europe Standard Time' },
          end: { dateTime: `${day(i)}T10:00:00`, timeZone: 'W. Europe Standard Time' },
          attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room' } }],
        });
        await poll('the reservation', async () => {
          for await (const r of workplace.listReservations({
            roomId: 'wp-e2e',
            from: new Date(`${day(i)}T00:00:00Z`),
            to: new Date(`${day(i + 1)}T00:00:00Z`),
          }))
            if (r.subject === subject) return r;
          return undefined;
        });
        const seen = performance.now();
        e2w.push(seen - t0);
        const s = spansOf(marks, t0, seen, 'graphNotifications');
        if (s) e2wSpans.push(s);
        await quiescent(service, 600);
      }

      // Workplace → Exchange
      const w2e: number[] = [];
      const w2eSpans: Spans[] = [];
      for (let i = 0; i < CHANGES; i += 1) {
        const subject = `W2E ${String(i)}`;
        const d = day(100 + i);
        const t0 = performance.now();
        await workplace.createReservation(
          graceBooks('wp-e2e', subject, `${d}T14:00:00`, `${d}T15:00:00`, 'Europe/Brussels'),
          `bench-w2e-${String(i)}`,
        );
        await poll('the event', async () => {
          const page = (await graph
            .api(`/users/${ROOM}/calendarView`)
            .query({ startDateTime: `${d}T00:00:00Z`, endDateTime: `${d}T23:59:59Z` })
            .get()) as { value: { subject: string }[] };
          return page.value.find((e) => e.subject === subject);
        });
        const seen = performance.now();
        w2e.push(seen - t0);
        const s = spansOf(marks, t0, seen, 'workplaceWebhook');
        if (s) w2eSpans.push(s);
        await quiescent(service, 600);
      }

      // The necessary round trips, timed directly.
      const token = await fetchToken(service.graph.url);
      const storage = createStorageClients(loadStorageConfig(process.env));
      const table = storage.table('benchref');
      await table.createTable();
      const queue = storage.queue('bench-ref');
      await queue.createIfNotExists();
      const plain = new WorkplaceClient({
        baseUrl: service.workplace.url,
        auth: { kind: 'apiKey', apiKey: 'workplace-dev-key' },
      });
      const refEvent = (await graph.api('/users/room.ref@contoso.com/events').post({
        subject: 'ref',
        start: { dateTime: '2027-09-01T09:00:00', timeZone: 'UTC' },
        end: { dateTime: '2027-09-01T10:00:00', timeZone: 'UTC' },
      })) as { id: string };
      const refRes = await plain.createReservation(
        graceBooks('wp-ref', 'ref', '2027-09-02T09:00:00', '2027-09-02T10:00:00'),
        'bench-ref',
      );
      const entity = { partitionKey: 'p', rowKey: 'r', doc: 'x'.repeat(1500) };
      const ref = {
        graphGet: [] as number[],
        graphPost: [] as number[],
        wpGet: [] as number[],
        wpPost: [] as number[],
        tableUpsert: [] as number[],
        queue: [] as number[],
      };
      for (let i = 0; i < 30; i += 1) {
        ref.graphGet.push(
          await timed(async () => {
            const res = await fetch(
              `${service.graph.url}/v1.0/users/room.ref@contoso.com/events/${encodeURIComponent(refEvent.id)}`,
              {
                headers: { authorization: `Bearer ${token}`, prefer: 'IdType="ImmutableId"' },
              },
            );
            await res.arrayBuffer();
          }),
        );
        ref.graphPost.push(
          await timed(() =>
            graph.api('/users/room.ref@contoso.com/events').post({
              subject: `ref ${String(i)}`,
              start: { dateTime: `${day(200 + i)}T09:00:00`, timeZone: 'UTC' },
              end: { dateTime: `${day(200 + i)}T10:00:00`, timeZone: 'UTC' },
              attendees: [{ type: 'required', emailAddress: { address: GRACE, name: 'Grace' } }],
            }),
          ),
        );
        ref.wpGet.push(await timed(() => plain.getReservation(refRes.id)));
        ref.wpPost.push(
          await timed(() =>
            plain.createReservation(
              graceBooks(
                'wp-ref',
                `ref ${String(i)}`,
                `${day(300 + i)}T09:00:00`,
                `${day(300 + i)}T10:00:00`,
              ),
              `bench-ref-${String(i)}`,
            ),
          ),
        );
        ref.tableUpsert.push(
          await timed(() => table.upsertEntity({ ...entity, rowKey: String(i) }, 'Replace')),
        );
        ref.queue.push(
          await timed(async () => {
            await queue.sendMessage(Buffer.from(JSON.stringify({ v: 1, i })).toString('base64'));
            const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 1 });
            const m = receivedMessageItems[0];
            if (m) await queue.deleteMessage(m.messageId, m.popReceipt);
          }),
        );
      }
      const necessaryE2W =
        median(ref.graphGet) + median(ref.wpPost) + median(ref.tableUpsert) + median(ref.queue);
      const necessaryW2E =
        median(ref.wpGet) + median(ref.graphPost) + median(ref.tableUpsert) + median(ref.queue);

      const dir = (
        name: string,
        xs: number[],
        spans: Spans[],
        necessary: number,
      ): { p95: number; ratio: number } => {
        const p95 = round1(percentile(xs, 95));
        report.row(`${name} p50`, round1(percentile(xs, 50)), 'ms');
        report.row(`${name} p95`, p95, 'ms', { max: 1000 });
        report.row(`${name} p99`, round1(percentile(xs, 99)), 'ms');
        const span = (k: keyof Spans): number => round1(median(spans.map((s) => s[k])));
        report.row(`${name} median queue wait (polling)`, span('queue'), 'ms');
        report.row(`${name} necessary round trips`, round1(necessary), 'ms');
        const ratio = Math.round((percentile(xs, 50) / necessary) * 10) / 10;
        report.row(`${name} p50 / necessary`, ratio, '×');
        report.note(
          `${name}: ${String(xs.length)} changes; median spans (ms, ${String(spans.length)} attributed): delivery ${String(span('delivery'))}, ingress ${String(span('ingress'))}, queue wait ${String(span('queue'))}, worker ${String(span('worker'))}, read ${String(span('read'))}; p95 queue wait ${String(
            round1(
              percentile(
                spans.map((s) => s.queue),
                95,
              ),
            ),
          )}.`,
        );
        return { p95, ratio };
      };
      const a = dir('Exchange→Workplace', e2w, e2wSpans, necessaryE2W);
      const b = dir('Workplace→Exchange', w2e, w2eSpans, necessaryW2E);
      const m = (xs: number[]): number => round1(median(xs));
      report.note(
        `necessary round trips, medians of 30 (ms): Graph GET event ${String(m(ref.graphGet))}, Graph POST event ${String(m(ref.graphPost))}, Workplace GET ${String(m(ref.wpGet))}, Workplace POST ${String(m(ref.wpPost))}, Table upsert ${String(m(ref.tableUpsert))}, queue put+get+delete ${String(m(ref.queue))}.`,
      );
      report.set('e2eP95Ms', { exchangeToWorkplace: a.p95, workplaceToExchange: b.p95 });
      report.set('e2eOverheadRatio', Math.max(a.ratio, b.ratio));
      report.set('e2e', {
        changesPerDirection: CHANGES,
        overheadRatio: { exchangeToWorkplace: a.ratio, workplaceToExchange: b.ratio },
        necessaryMs: { exchangeToWorkplace: round1(necessaryE2W), workplaceToExchange: round1(necessaryW2E) },
        latenciesMs: { exchangeToWorkplace: e2w.map(round1), workplaceToExchange: w2e.map(round1) },
        spans: { exchangeToWorkplace: e2wSpans, workplaceToExchange: w2eSpans },
        referenceMs: Object.fromEntries(Object.entries(ref).map(([k, v]) => [k, m(v)])),
      });
    } finally {
      await service.close();
    }
  },
};
