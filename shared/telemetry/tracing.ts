import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
} from '@opentelemetry/api';
import { ensureError } from '../errors';

/**
 * The trace of one change across the functions: the HTTP function that takes it in, the queue, and the
 * worker that applies it. Storage queues carry no trace context of their own, so each message carries
 * its W3C `traceparent`; the worker's span continues that trace. Without a telemetry SDK (tests, the
 * sandbox) the OpenTelemetry API is a no-op and these cost nothing.
 */

export const tracer = trace.getTracer('roomsync');

const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** Whether a string is a W3C traceparent (what a message may carry). */
export function isTraceparent(value: string): boolean {
  return TRACEPARENT.test(value);
}

/** The active trace as a `traceparent`, to put on a queued message; undefined outside any trace. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const value = carrier['traceparent'];
  return value !== undefined && isTraceparent(value) ? value : undefined;
}

/** The trace and span ids of the active span, for log lines (Application Insights joins them). */
export function currentTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  // An invalid (all-zero) context is what the no-op tracer hands out.
  return /^0+$/.test(traceId) && traceFlags === 0 ? undefined : { traceId, spanId };
}

/**
 * Runs `work` in a consumer span that continues the trace of `traceparent` (a queued message's), or
 * starts a new one; the span ends with the work and records its failure.
 */
export async function inMessageSpan<T>(
  name: string,
  traceparent: string | undefined,
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  const parent: Context = traceparent
    ? propagation.extract(context.active(), { traceparent })
    : context.active();
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
    try {
      return await work();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: ensureError(err).name });
      throw err;
    } finally {
      span.end();
    }
  });
}
