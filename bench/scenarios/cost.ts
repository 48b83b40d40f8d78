import type { Report } from '../report';
import { graceBooks, startBenchService, SYNC_PIPELINE } from '../service';
import {
  addRoom,
  connectWorkplaceWebhook,
  quiescent,
  registerRoom,
  sideClients,
} from '../../test/helpers/service-host';

/**
 * Calls spent per synced change and per echo, from the emulators' own counters: each sync worker
 * invocation is tagged by its message's kind and the Graph and Workplace request counters are read
 * when it starts and ends (changes are made one at a time and the service left to go quiet, so
 * invocations do not overlap; an overlap is counted and reported). A change's own side's message is
 * "the change" (graphChange for an Outlook edit, workplaceChange for a Workplace one), the other
 * side's messages that follow it are its echoes. Room checks (a delayed message, 2 s here) are counted
 * apart. The bench's own client calls happen outside any invocation and are not counted.
 */

const ROOM = 'room.cost@contoso.com';
const ADA = 'ada@contoso.com';
const GRACE = 'grace@contoso.com';
const N = 5;

interface Tally {
  invocations: number;
  graph: number;
  workplace: number;
}

export const scenario = {
  name: 'cost',
  async run(report: Report): Promise<void> {
    const service = await startBenchService(SYNC_PIPELINE);
    try {
      addRoom(service, ROOM, 'wp-cost');
      service.graph.directory.add({ email: ADA, displayName: 'Ada Lovelace', kind: 'person' });
      service.graph.directory.add({ email: GRACE, displayName: 'Grace Hopper', kind: 'person' });
      connectWorkplaceWebhook(service);
      const { graph, workplace } = await sideClients(service);
      if ((await registerRoom(service, ROOM, 'wp-cost')) !== 201)
        throw new Error('registering the room failed');
      await quiescent(service, 2500);

      let tallies = new Map<string, Tally>();
      let running = 0;
      let overlaps = 0;
      type Ctx = {
        invocationContext: { functionName: string };
        inputs: unknown[];
        hookData: Record<string, unknown>;
      };
      const hooks = service.host.app.hooks as unknown as {
        preInvocation: ((c: Ctx) => void)[];
        postInvocation: ((c: Ctx) => void)[];
      };
      const counters = (): [number, number] => [service.graph.stats().total, service.workplace.stats().total];
      hooks.preInvocation.push((c) => {
        if (c.invocationContext.functionName !== 'syncWorker') return;
        running += 1;
        if (running > 1) overlaps += 1;
        c.hookData['before'] = counters();
      });
      hooks.postInvocation.push((c) => {
        if (c.invocationContext.functionName !== 'syncWorker') return;
        running -= 1;
        const [g0, w0] = c.hookData['before'] as [number, number];
        const [g1, w1] = counters();
        const message = c.inputs[0] as { kind?: string };
        const kind = message.kind ?? 'unknown';
        const t = tallies.get(kind) ?? { invocations: 0, graph: 0, workplace: 0 };
        t.invocations += 1;
        t.graph += g1 - g0;
        t.workplace += w1 - w0;
        tallies.set(kind, t);
      });
      const measure = async (act: () => Promise<void>): Promise<Map<string, Tally>> => {
        tallies = new Map();
        await act();
        await quiescent(service, 2500);
        return tallies;
      };
      const day = (i: number): string => new Date(Date.UTC(2027, 4, 1 + i)).toISOString().slice(0, 10);

      const results: Record<string, { change: Tally; echo: Tally; other: Record<string, Tally> }> = {};
      const add = (op: string, own: string, echo: string, got: Map<string, Tally>): void => {
        const r = (results[op] ??= {
          change: { invocations: 0, graph: 0, workplace: 0 },
          echo: { invocations: 0, graph: 0, workplace: 0 },
          other: {},
        });
        for (const [kind, t] of got) {
          const into =
            kind === own
              ? r.change
              : kind === echo
                ? r.echo
                : (r.other[kind] ??= { invocations: 0, graph: 0, workplace: 0 });
          into.invocations += t.invocations;
          into.graph += t.graph;
          into.workplace += t.workplace;
        }
      };

      for (let i = 0; i < N; i += 1) {
        let id = '';
        add(
          'Outlook create',
          'graphChange',
          'workplaceChange',
          await measure(async () => {
            id = (
              (await graph.api(`/users/${ADA}/events`).post({
                subject: `cost ${String(i)}`,
                start: { dateTime: `${day(i)}T09:00:00`, timeZone: 'W. Europe Standard Time' },
                end: { dateTime: `${day(i)}T10:00:00`, timeZone: 'W. Europe Standard Time' },
                attendees: [{ type: 'resource', emailAddress: { address: ROOM, name: 'Room' } }],
              })) as { id: string }
            ).id;
          }),
        );
        add(
          'Outlook update',
          'graphChange',
          'workplaceChange',
          await measure(async () => {
            await graph.api(`/users/${ADA}/events/${id}`).patch({ subject: `cost ${String(i)} (moved)` });
          }),
        );
        add(
          'Outlook cancel',
          'graphChange',
          'workplaceChange',
          await measure(async () => {
            await graph.api(`/users/${ADA}/events/${id}/cancel`).post({ comment: 'bench' });
          }),
        );
      }
      for (let i = 0; i < N; i += 1) {
        let resId = '';
        const body = (subject: string) =>
          graceBooks(
            'wp-cost',
            subject,
            `${day(50 + i)}T14:00:00`,
            `${day(50 + i)}T15:00:00`,
            'Europe/Brussels',
          );
        add(
          'Workplace create',
          'workplaceChange',
          'graphChange',
          await measure(async () => {
            resId = (await workplace.createReservation(body(`wcost ${String(i)}`), `bench-cost-${String(i)}`))
              .id;
          }),
        );
        add(
          'Workplace update',
          'workplaceChange',
          'graphChange',
          await measure(async () => {
            const current = await workplace.getReservation(resId);
            await workplace.replaceReservation(
              resId,
              { ...body(`wcost ${String(i)} (renamed)`) },
              current.version,
            );
          }),
        );
        add(
          'Workplace cancel',
          'workplaceChange',
          'graphChange',
          await measure(async () => {
            const current = await workplace.getReservation(resId);
            await workplace.cancelReservation(resId, current.version);
          }),
        );
      }

      const per = (n: number): number => Math.round((n / N) * 100) / 100;
      let exchangeGraph = 0;
      let echoGraph = 0;
      let echoes = 0;
      for (const [op, r] of Object.entries(results)) {
        const rooms = Object.entries(r.other)
          .map(
            ([k, t]) =>
              `${k} ×${String(t.invocations)}: Graph ${String(t.graph)}, Workplace ${String(t.workplace)}`,
          )
          .join('; ');
        report.row(
          `${op}: Graph / Workplace calls per change`,
          per(r.change.graph),
          `Graph (Workplace ${String(per(r.change.workplace))})`,
          op.startsWith('Outlook') ? { max: 1.05 } : undefined,
        );
        report.row(
          `${op}: Graph calls per echo`,
          r.echo.invocations ? Math.round((r.echo.graph / r.echo.invocations) * 100) / 100 : 0,
          `Graph (${String(r.echo.invocations)} echoes)`,
          { max: 0 },
        );
        report.note(
          `${op} ×${String(N)}: change messages ${String(r.change.invocations)} (Graph ${String(r.change.graph)}, Workplace ${String(r.change.workplace)}); echo messages ${String(r.echo.invocations)} (Graph ${String(r.echo.graph)}, Workplace ${String(r.echo.workplace)})${rooms ? `; other: ${rooms}` : ''}.`,
        );
        if (op.startsWith('Outlook')) exchangeGraph += r.change.graph;
        echoGraph += r.echo.graph;
        echoes += r.echo.invocations;
      }
      const perChange = Math.round((exchangeGraph / (3 * N)) * 100) / 100;
      const perEcho = echoes ? Math.round((echoGraph / echoes) * 100) / 100 : 0;
      report.row('Graph calls per synced Exchange change', perChange, 'calls', { max: 1.05 });
      report.row('Graph calls per echo', perEcho, 'calls', { max: 0 });
      report.set('graphCallsPerChange', perChange);
      report.set('graphCallsPerEcho', perEcho);
      report.set('cost', { perOperation: results, overlappingInvocations: overlaps, changesPerOperation: N });
      report.note(
        `overlapping sync worker invocations (their calls may be counted twice): ${String(overlaps)}.`,
      );
    } finally {
      await service.close();
    }
  },
};
