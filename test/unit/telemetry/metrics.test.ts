import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { callOutcome, telemetryMetrics } from '../../../shared/telemetry/metrics';

/** Collects on demand, as a test wants (the exporters collect on a timer). */
class OnDemandReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function points(
  collected: ResourceMetrics,
  name: string,
): { attributes: Record<string, unknown>; value: unknown }[] {
  return collected.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) => metric.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })));
}

describe('metrics', () => {
  const reader = new OnDemandReader();
  before(() => {
    // Set after shared/telemetry/metrics.ts was loaded: its instruments must follow the provider.
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  });
  after(() => metrics.disable());

  it('tells throttling from other failures', () => {
    assert.equal(callOutcome(200, false), 'ok');
    assert.equal(callOutcome(404, false), 'clientError');
    assert.equal(callOutcome(429, false), 'throttled');
    assert.equal(callOutcome(503, true), 'throttled');
    assert.equal(callOutcome(503, false), 'serverError');
  });

  it('counts calls, throttles, conflicts and poison, and records sync latency per direction', async () => {
    telemetryMetrics.call('graph', 'ok');
    telemetryMetrics.call('graph', 'throttled');
    telemetryMetrics.call('workplace', 'throttled');
    telemetryMetrics.conflict();
    telemetryMetrics.poisoned('sync-changes');
    telemetryMetrics.synced('exchangeToWorkplace', 120);
    telemetryMetrics.synced('exchangeToWorkplace', 80);
    const { resourceMetrics } = await reader.collect();
    assert.deepEqual(
      points(resourceMetrics, 'roomsync.throttled').map((p) => [p.attributes['service'], p.value]),
      [
        ['graph', 1],
        ['workplace', 1],
      ],
    );
    assert.equal(points(resourceMetrics, 'roomsync.calls').length, 3);
    assert.equal(points(resourceMetrics, 'roomsync.conflicts')[0]?.value, 1);
    assert.deepEqual(points(resourceMetrics, 'roomsync.poison')[0]?.attributes, { queue: 'sync-changes' });
    const latency = points(resourceMetrics, 'roomsync.sync.latency')[0];
    assert.ok(latency);
    assert.deepEqual(latency.attributes, { direction: 'exchangeToWorkplace' });
    const histogram = latency.value as { count: number; sum: number };
    assert.equal(histogram.count, 2);
    assert.equal(histogram.sum, 200);
  });
});
