import path from 'node:path';
import type { Report } from './report';

/**
 * Runs one scenario in a process of its own (the functions build their storage clients once per
 * process, as in Azure, so each scenario's host needs a fresh process) and sends what it reported to
 * bench/main.ts. This process is the Functions worker of the run: it also holds Azurite and both
 * emulators, so its RSS, sampled every 50 ms, is an upper bound of the worker's own.
 */

export interface ScenarioResult {
  name: string;
  rows: { measure: string; value: number; unit: string; target?: { max: number } | { min: number } }[];
  keys: Record<string, unknown>;
  notes: string[];
  peakRssMb: number;
  seconds: number;
  error?: string;
}

interface ScenarioModule {
  scenario: { name: string; run(report: Report): Promise<void> };
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: run-scenario.ts <scenario file>');
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  const started = performance.now();
  const result: ScenarioResult = {
    name: path.basename(file, '.ts'),
    rows: [],
    keys: {},
    notes: [],
    peakRssMb: 0,
    seconds: 0,
  };
  const report: Report = {
    row: (measure, value, unit, target) =>
      result.rows.push({ measure, value, unit, ...(target ? { target } : {}) }),
    set: (key, value) => {
      result.keys[key] = value;
    },
    note: (text) => result.notes.push(text),
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.resolve(file)) as ScenarioModule;
    result.name = mod.scenario.name;
    await mod.scenario.run(report);
  } catch (err) {
    result.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  result.peakRssMb = Math.round((peak / 2 ** 20) * 10) / 10;
  result.seconds = Math.round(((performance.now() - started) / 1000) * 10) / 10;
  process.send?.(result);
  // Handles left by a scenario (a host that did not stop) must not keep the run waiting.
  setTimeout(() => process.exit(result.error ? 1 : 0), 200).unref();
}

void main();
