import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { syncMessageSchema } from '../../../shared/queue/messages';
import { createLogger } from '../../../shared/telemetry/logger';
import { currentTraceparent, inMessageSpan } from '../../../shared/telemetry/tracing';

/**
 * One change is one trace: the HTTP function's span, the traceparent on the queued message, and the
 * worker's span that continues it (what Application Insights shows as one end-to-end transaction).
 */
describe('a trace across the queue', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager();
  before(() => {
    context.setGlobalContextManager(contextManager.enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
  });
  after(() => {
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('continues the HTTP span’s trace in the worker’s span, through the message', async () => {
    const tracer = trace.getTracer('test');
    const queued = tracer.startActiveSpan('POST /api/graph/notifications', (span) => {
      const message = syncMessageSchema.parse({
        v: 1,
        correlationId: 'c-1',
        kind: 'backfill',
        room: 'room.alpha@contoso.com',
        traceparent: currentTraceparent(),
      });
      span.end();
      return JSON.parse(JSON.stringify(message)) as unknown; // through the queue, as text
    });
    const message = syncMessageSchema.parse(queued);
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line) });
    await inMessageSpan('sync backfill', message.traceparent, { 'roomsync.correlation_id': 'c-1' }, () => {
      logger.info('working', { correlationId: message.correlationId });
      return Promise.resolve();
    });
    const [http, worker] = exporter.getFinishedSpans();
    assert.ok(http && worker);
    assert.equal(worker.spanContext().traceId, http.spanContext().traceId, 'one trace');
    assert.equal(
      worker.parentSpanContext?.spanId,
      http.spanContext().spanId,
      'the worker’s parent is the HTTP span',
    );
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(line['traceId'], http.spanContext().traceId, 'log lines carry the trace');
    assert.equal(line['correlationId'], 'c-1');
  });

  it('records a failed message on its span and still throws', async () => {
    exporter.reset();
    await assert.rejects(
      inMessageSpan('sync graphChange', undefined, {}, () => Promise.reject(new RangeError('boom'))),
      RangeError,
    );
    const [span] = exporter.getFinishedSpans();
    assert.ok(span);
    assert.equal(span.status.code, 2);
    assert.equal(span.status.message, 'RangeError');
  });

  it('drops a malformed traceparent rather than the message', () => {
    const message = syncMessageSchema.parse({
      v: 1,
      correlationId: 'c',
      kind: 'backfill',
      room: 'r@contoso.com',
      traceparent: 'not-a-trace',
    });
    assert.equal(message.traceparent, undefined);
  });

  it('puts no traceparent on a message outside any trace', () => {
    assert.equal(currentTraceparent(), undefined);
  });
});
