import { z } from 'zod';
import type { Clock } from './clock';
import { ControlError, parseBody, type ControlRouter } from './control-router';
import { faultsSchema, type FaultGate } from './faults';
import type { ImportQueue } from './imports';
import { applyProfileChange, profileChangeSchema, type Profile } from './profile';
import { REPORT_KIND_NAMES } from './report-kinds';
import type { ReportRegistry } from './reports';
import type { Stats } from './stats';
import type { Store } from './store';
import { writerSchema, type OtherWriter } from './writer';

/** The control routes for the tenant as a whole: profile, reports, faults, import queue, clock, stats. */

export interface TenantDeps {
  store: Store;
  clock: Clock;
  getProfile: () => Profile;
  setProfile: (profile: Profile) => void;
  reports: ReportRegistry;
  faults: FaultGate;
  imports: ImportQueue;
  writer: OtherWriter;
  stats: Stats;
  reset: () => void;
}

const reportSchema = z
  .object({
    reference: z.string().min(1),
    kind: z.enum(REPORT_KIND_NAMES),
    labels: z.record(z.string(), z.string().min(1)).default({}),
  })
  .strict();

const queueSchema = z.object({ paused: z.boolean() }).strict();
const processSchema = z.object({ count: z.number().int().positive().optional() }).strict();
const settleSchema = z
  .object({ timeoutMs: z.number().int().positive().max(600_000).default(30_000) })
  .strict();
const clockSchema = z.object({ advanceMs: z.number().int().nonnegative() }).strict();

export function addTenantRoutes(router: ControlRouter, deps: TenantDeps): void {
  const { store, clock, reports, faults, imports, writer } = deps;
  router
    .add('GET', '/_emulator/profile', () => ({ status: 200, body: deps.getProfile() }))
    .add('POST', '/_emulator/profile', ({ raw }) => {
      const change = parseBody(profileChangeSchema, raw);
      const next = applyProfileChange(deps.getProfile(), change);
      deps.setProfile(next);
      return { status: 200, body: next };
    })
    .add('GET', '/_emulator/reports', () => ({
      status: 200,
      body: { items: reports.describe(deps.getProfile()) },
    }))
    .add('POST', '/_emulator/reports', ({ raw }) => {
      const definition = parseBody(reportSchema, raw);
      reports.register(definition);
      const described = reports.describe(deps.getProfile()).find((r) => r.reference === definition.reference);
      return { status: 201, body: described };
    })
    .add('DELETE', '/_emulator/reports/{reference}', ({ params }) => {
      if (!reports.remove(params.reference ?? ''))
        throw new ControlError(404, 'not_found', `No report '${params.reference ?? ''}'`);
      return { status: 204 };
    })
    .add('POST', '/_emulator/faults', ({ raw }) => {
      const parsed = parseBody(faultsSchema, raw);
      faults.set(parsed);
      return { status: 200, body: parsed };
    })
    .add('DELETE', '/_emulator/faults', () => {
      faults.reset();
      return { status: 204 };
    })
    .add('GET', '/_emulator/imports', () => ({ status: 200, body: { items: [...store.log.values()] } }))
    .add('GET', '/_emulator/imports/{id}', ({ params }) => {
      const entry = store.log.get(params.id ?? '');
      if (!entry) throw new ControlError(404, 'not_found', `No import item ${params.id ?? ''}`);
      return { status: 200, body: entry };
    })
    .add('GET', '/_emulator/queue', () => ({ status: 200, body: imports.describe() }))
    .add('POST', '/_emulator/queue', ({ raw }) => {
      imports.paused = parseBody(queueSchema, raw).paused;
      return { status: 200, body: imports.describe() };
    })
    .add('POST', '/_emulator/queue/process', ({ raw }) => {
      const processedNow = imports.process(parseBody(processSchema, raw).count);
      return { status: 200, body: { processedNow, ...imports.describe() } };
    })
    .add('POST', '/_emulator/queue/settle', async ({ raw }) => {
      const settled = await imports.settle(parseBody(settleSchema, raw).timeoutMs);
      return { status: 200, body: { settled, ...imports.describe() } };
    })
    .add('GET', '/_emulator/clock', () => ({ status: 200, body: clock.describe() }))
    .add('POST', '/_emulator/clock', ({ raw }) => {
      clock.advance(parseBody(clockSchema, raw).advanceMs);
      imports.tick();
      return { status: 200, body: clock.describe() };
    })
    .add('GET', '/_emulator/writer', () => ({
      status: 200,
      body: { config: writer.config ?? null, edits: writer.edits },
    }))
    .add('POST', '/_emulator/writer', ({ raw }) => {
      const config = parseBody(writerSchema, raw);
      writer.start(config);
      return { status: 200, body: { config } };
    })
    .add('POST', '/_emulator/writer/step', ({ raw }) => {
      const config = raw.length > 0 ? parseBody(writerSchema.partial({ everyMs: true }), raw) : undefined;
      const edit = writer.step(config === undefined ? undefined : { everyMs: 1000, ...config });
      return { status: 200, body: { edit: edit ?? null } };
    })
    .add('DELETE', '/_emulator/writer', () => {
      writer.stop();
      return { status: 204 };
    })
    .add('GET', '/_emulator/stats', () => ({
      status: 200,
      body: { ...deps.stats.read(), imports: imports.describe(), injected: { ...faults.injected } },
    }))
    .add('POST', '/_emulator/reset', () => {
      deps.reset();
      return { status: 204 };
    });
}
