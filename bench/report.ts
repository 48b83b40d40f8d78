/**
 * What every benchmark scenario reports into: figures for the printed table and keys for
 * bench/results/latest.json. Scenarios live in bench/scenarios/ and export
 * `scenario: { name: string; run(report: Report): Promise<void> }`.
 */
export interface Report {
  /** A row of the printed table: the scenario's measure, its figure with its unit, and the target if any. */
  row(measure: string, value: number, unit: string, target?: { max: number } | { min: number }): void;
  /** A key of latest.json (issue 10 names the required ones; nested objects allowed). */
  set(key: string, value: unknown): void;
  /** A line of context under the table (what was measured, how, against what). */
  note(text: string): void;
}

/** The p-th percentile (0-100) of `values`, nearest-rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}
