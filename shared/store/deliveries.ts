import type { JsonTable } from './table';

/**
 * Workplace webhook deliveries already accepted, so a delivery Workplace repeats is answered without
 * queueing its change again. One row per deliveryId, inserted only if absent: the insert that conflicts
 * is the repeat, even when two copies arrive at once.
 *
 * Rows are partitioned by the UTC day of the event's `occurredAt`, which every copy of a delivery shares
 * (the day it arrives would split a repeat across midnight), so old days are dropped whole by
 * `prune`. Retention: DELIVERY_RETENTION_DAYS. Workplace repeats a delivery within minutes (and a copy
 * signed more than 5 minutes ago is refused anyway); a repeat arriving after its day was pruned is
 * queued once more, which costs one idempotent sync and nothing else.
 */

export const DELIVERY_RETENTION_DAYS = 7;

export interface DeliveryRecord {
  deliveryId: string;
  reservationId: string;
  occurredAt: string;
  receivedAt: string;
}

/** `YYYY-MM-DD` in UTC. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The partition of a delivery: its event's day, or the day it arrived when `occurredAt` is no time. */
function partitionOf(record: Pick<DeliveryRecord, 'occurredAt' | 'receivedAt'>): string {
  const occurred = new Date(record.occurredAt);
  return utcDay(Number.isNaN(occurred.getTime()) ? new Date(record.receivedAt) : occurred);
}

export class DeliveryRepository {
  constructor(private readonly table: JsonTable<DeliveryRecord>) {}

  /** True the first time a deliveryId is seen, false for a repeat. */
  remember(record: DeliveryRecord): Promise<boolean> {
    return this.table.insert(partitionOf(record), record.deliveryId, record);
  }

  /** Takes a delivery back (its change could not be queued), so Workplace's retry is not a "repeat". */
  async forget(record: DeliveryRecord): Promise<void> {
    await this.table.delete(partitionOf(record), record.deliveryId);
  }

  /** Drops the days older than the retention; returns how many deliveries went. */
  prune(now: Date): Promise<number> {
    const oldest = new Date(now.getTime() - DELIVERY_RETENTION_DAYS * 86_400_000);
    return this.table.deletePartitionsBefore(utcDay(oldest));
  }
}
