import { z } from 'zod';
import type { JsonTable } from './table';

/**
 * Workplace webhooks refused before anything else was done with them (no signature headers, malformed
 * ones, a stale timestamp, a bad signature), counted so that a rotated secret shows on /api/health and
 * the status page instead of failing silently: every delivery is then refused, and Workplace's changes
 * reach Exchange only through the 15-minute sweep.
 *
 * One row per instance and UTC hour, partitioned by UTC day: each instance writes only its own row
 * (an upsert of its running count, never a read), so instances never contend and a flood costs each at
 * most one write per flush interval (shared/ingress/refusal-counter.ts). Readers add the rows up. Days
 * older than REFUSAL_RETENTION_DAYS are dropped by the instance that writes the first row of a day.
 */

export const REFUSAL_REASONS = [
  'missingHeaders',
  'malformedHeaders',
  'staleTimestamp',
  'badSignature',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export const REFUSAL_RETENTION_DAYS = 7;

const count = z.number().int().nonnegative();
const counts = z.object({
  missingHeaders: count,
  malformedHeaders: count,
  staleTimestamp: count,
  badSignature: count,
});

const record = z.object({
  /** `YYYY-MM-DDTHH`, UTC. */
  hour: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}$/),
  instance: z.string().min(1),
  counts,
  lastAt: z.string(),
  lastReason: z.enum(REFUSAL_REASONS),
});

export type RefusalRecord = z.infer<typeof record>;

/** The refusals of the last 24 hours, added up over instances. */
export interface RefusalSummary {
  last24Hours: number;
  lastHour: number;
  byReason: Record<RefusalReason, number>;
  lastAt: string | null;
  lastReason: RefusalReason | null;
}

export function utcHour(at: Date): string {
  return at.toISOString().slice(0, 13);
}

export function noRefusals(): Record<RefusalReason, number> {
  return { missingHeaders: 0, malformedHeaders: 0, staleTimestamp: 0, badSignature: 0 };
}

/** What the rows say about the 24 hours before `now` (the current hour counts as the last one). */
export function summarizeRefusals(records: RefusalRecord[], now: Date): RefusalSummary {
  const since = utcHour(new Date(now.getTime() - 23 * 3_600_000));
  const thisHour = utcHour(now);
  const summary: RefusalSummary = {
    last24Hours: 0,
    lastHour: 0,
    byReason: noRefusals(),
    lastAt: null,
    lastReason: null,
  };
  for (const row of records) {
    if (row.hour < since) continue;
    for (const reason of REFUSAL_REASONS) {
      const n = row.counts[reason];
      summary.byReason[reason] += n;
      summary.last24Hours += n;
      if (row.hour === thisHour) summary.lastHour += n;
    }
    if (summary.lastAt === null || row.lastAt > summary.lastAt) {
      summary.lastAt = row.lastAt;
      summary.lastReason = row.lastReason;
    }
  }
  return summary;
}

export class WebhookRefusalRepository {
  constructor(private readonly table: JsonTable<RefusalRecord>) {}

  /** Writes an instance's count for an hour (the whole count so far: idempotent). */
  async save(row: RefusalRecord): Promise<void> {
    await this.table.put(row.hour.slice(0, 10), `${row.hour} ${row.instance}`, row);
  }

  /** The rows of the 24 hours before `now` (two day partitions), rows that do not parse left out. */
  async recent(now: Date): Promise<RefusalRecord[]> {
    const days = [
      ...new Set([new Date(now.getTime() - 24 * 3_600_000), now].map((d) => utcHour(d).slice(0, 10))),
    ];
    const rows = (await Promise.all(days.map((day) => this.table.list(day)))).flat();
    return rows.flatMap((row) => {
      const parsed = record.safeParse(row.value);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Drops the days older than the retention; returns how many rows went. */
  prune(now: Date): Promise<number> {
    const oldest = new Date(now.getTime() - REFUSAL_RETENTION_DAYS * 86_400_000);
    return this.table.deletePartitionsBefore(utcHour(oldest).slice(0, 10));
  }
}
