import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { callOutcome, telemetryMetrics } from '../telemetry/metrics';

/**
 * Counts every request sent to Graph, retries included (it sits below the SDK's retry handler), by
 * outcome: the figure the mailbox budgets (10,000 requests per 10 minutes) are spent in.
 */
export class CallMetricsHandler implements Middleware {
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('CallMetricsHandler needs a next handler');
    try {
      await this.next.execute(context);
    } catch (err) {
      telemetryMetrics.call('graph', 'failed');
      throw err;
    }
    const response = context.response;
    telemetryMetrics.call(
      'graph',
      callOutcome(response?.status ?? 0, response?.headers.has('retry-after') ?? false),
    );
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
