import { metrics, type Attributes } from '@opentelemetry/api';

/**
 * The service's own metrics, exported to Application Insights (customMetrics) when telemetry is on
 * (shared/telemetry/start.ts); without an SDK they are no-ops. Names follow OpenTelemetry's
 * dotted style; attributes stay low-cardinality (direction, service, outcome — never a room or id,
 * which belong in logs and spans).
 */

function makeInstruments() {
  const meter = metrics.getMeter('roomsync');
  return {
    syncLatency: meter.createHistogram('roomsync.sync.latency', {
      description: 'From a change being queued until it is written to the other side',
      unit: 'ms',
    }),
    calls: meter.createCounter('roomsync.calls', {
      description: 'Requests to Graph and Workplace, by service and outcome',
    }),
    throttles: meter.createCounter('roomsync.throttled', {
      description: 'Requests answered 429 (or 503 with Retry-After), by service',
    }),
    conflicts: meter.createCounter('roomsync.conflicts', {
      description: 'Bookings changed on both sides since they last agreed',
    }),
    poison: meter.createCounter('roomsync.poison', {
      description: 'Messages moved to a poison queue after their last try',
    }),
    changes: meter.createCounter('roomsync.changes', {
      description: 'Sync messages handled, by kind and rule (echo, written, nothing to do)',
    }),
  };
}

// Made for the meter provider in place when first used: instruments made before the SDK registers
// its provider (a module loaded early) would stay no-ops for ever.
let made: { provider: unknown; instruments: ReturnType<typeof makeInstruments> } | undefined;
function instruments(): ReturnType<typeof makeInstruments> {
  const provider = metrics.getMeterProvider();
  if (made?.provider !== provider) made = { provider, instruments: makeInstruments() };
  return made.instruments;
}

export type CallOutcome = 'ok' | 'clientError' | 'serverError' | 'throttled' | 'failed';

/** A response's outcome: throttled is 429, or 503 with Retry-After (how Graph throttles too). */
export function callOutcome(status: number, retryAfter: boolean): CallOutcome {
  if (status === 429 || (status === 503 && retryAfter)) return 'throttled';
  if (status >= 500) return 'serverError';
  return status >= 400 ? 'clientError' : 'ok';
}

export type Direction = 'exchangeToWorkplace' | 'workplaceToExchange';
export type Service = 'graph' | 'workplace';

export const telemetryMetrics = {
  synced(direction: Direction, latencyMs: number): void {
    instruments().syncLatency.record(Math.max(0, latencyMs), { direction });
  },
  call(service: Service, outcome: CallOutcome): void {
    const { calls, throttles } = instruments();
    calls.add(1, { service, outcome });
    if (outcome === 'throttled') throttles.add(1, { service });
  },
  conflict(): void {
    instruments().conflicts.add(1);
  },
  poisoned(queue: string): void {
    instruments().poison.add(1, { queue });
  },
  handled(attributes: Attributes): void {
    instruments().changes.add(1, attributes);
  },
};
