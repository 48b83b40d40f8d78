/** What the web services were asked, for tests and benchmarks: calls by kind, report and action, load. */
export interface StatsSnapshot {
  total: number;
  byKind: Record<'report' | 'import' | 'other', number>;
  byReport: Record<string, number>;
  byAction: Record<string, number>;
  unauthorized: number;
  inFlight: number;
  peakInFlight: number;
  rows: { served: number; truncatedCalls: number; abortedCalls: number };
}

export class Stats {
  private snapshot = Stats.empty();

  static empty(): StatsSnapshot {
    return {
      total: 0,
      byKind: { report: 0, import: 0, other: 0 },
      byReport: {},
      byAction: {},
      unauthorized: 0,
      inFlight: 0,
      peakInFlight: 0,
      rows: { served: 0, truncatedCalls: 0, abortedCalls: 0 },
    };
  }

  enter(): void {
    this.snapshot.total += 1;
    this.snapshot.inFlight += 1;
    this.snapshot.peakInFlight = Math.max(this.snapshot.peakInFlight, this.snapshot.inFlight);
  }

  leave(): void {
    this.snapshot.inFlight -= 1;
  }

  call(kind: 'report' | 'import' | 'other', name: string | undefined): void {
    this.snapshot.byKind[kind] += 1;
    const table =
      kind === 'report' ? this.snapshot.byReport : kind === 'import' ? this.snapshot.byAction : undefined;
    if (table && name !== undefined) table[name] = (table[name] ?? 0) + 1;
  }

  unauthorized(): void {
    this.snapshot.unauthorized += 1;
  }

  rows(served: number, overflow?: 'truncate' | 'abort'): void {
    this.snapshot.rows.served += served;
    if (overflow === 'truncate') this.snapshot.rows.truncatedCalls += 1;
    if (overflow === 'abort') this.snapshot.rows.abortedCalls += 1;
  }

  read(): StatsSnapshot {
    return structuredClone(this.snapshot);
  }

  /** Forgets the counts; calls still in flight stay counted as such. */
  reset(): void {
    this.snapshot = { ...Stats.empty(), inFlight: this.snapshot.inFlight };
  }
}
