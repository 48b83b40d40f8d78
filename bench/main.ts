import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScenarioResult } from './run-scenario';

/**
 * `npm run bench [-- --only ack,e2e]`: runs each scenario of bench/scenarios/ in a process of its own,
 * one after the other, prints one table, the notes, and writes bench/results/latest.json.
 */

const ROOT = path.resolve(__dirname, '..');
const SCENARIOS = path.join(__dirname, 'scenarios');

function parseOnly(argv: string[]): Set<string> | undefined {
  const i = argv.indexOf('--only');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  if (value === undefined) return undefined;
  return new Set(
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/** `workerHeapMB`'s default in infra/main.bicep (the Node worker's --max-old-space-size). */
function deployedWorkerHeapMb(): number {
  const bicep = readFileSync(path.join(__dirname, '..', 'infra', 'main.bicep'), 'utf8');
  const match = /^param workerHeapMB int = (\d+)$/m.exec(bicep);
  if (!match) throw new Error('infra/main.bicep declares no workerHeapMB default');
  return Number(match[1]);
}

const WORKER_HEAP_MB = deployedWorkerHeapMb();

function runOne(file: string): Promise<ScenarioResult> {
  return new Promise((resolve) => {
    let result: ScenarioResult | undefined;
    const child = fork(path.join(__dirname, 'run-scenario.ts'), [file], {
      // The worker's heap limit as deployed (infra/main.bicep), so its memory is measured as it runs there.
      execArgv: ['--import', 'tsx', `--max-old-space-size=${String(WORKER_HEAP_MB)}`],
      env: { ...process.env, ROOMSYNC_LOG_LEVEL: process.env['ROOMSYNC_LOG_LEVEL'] ?? 'info' },
      // The service logs JSON lines to stdout at info, as in production; discarded here.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.on('message', (m) => {
      result = m as ScenarioResult;
    });
    child.on('exit', (code) => {
      resolve(
        result ?? {
          name: path.basename(file, '.ts'),
          rows: [],
          keys: {},
          notes: [],
          peakRssMb: 0,
          seconds: 0,
          error: `the scenario's process exited with ${String(code)} before reporting`,
        },
      );
    });
  });
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function verdict(value: number, target: ScenarioResult['rows'][number]['target']): string {
  if (!target) return '';
  const ok = 'max' in target ? value <= target.max : value >= target.min;
  return Number.isFinite(value) && ok ? '✓' : '✗';
}

function table(results: ScenarioResult[]): string {
  const lines: string[][] = [['scenario', 'measure', 'figure', 'unit', 'target', '']];
  for (const r of results) {
    for (const row of r.rows) {
      const target = row.target
        ? 'max' in row.target
          ? `≤ ${fmt(row.target.max)}`
          : `≥ ${fmt(row.target.min)}`
        : '';
      lines.push([r.name, row.measure, fmt(row.value), row.unit, target, verdict(row.value, row.target)]);
    }
    lines.push([r.name, 'peak RSS of its process', fmt(r.peakRssMb), 'MB', '', '']);
    if (r.error) lines.push([r.name, 'FAILED (see below)', '', '', '', '✗']);
  }
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  const pad = (s: string, w: number, right: boolean): string => (right ? s.padStart(w) : s.padEnd(w));
  const render = (l: string[]): string =>
    l
      .map((cell, c) => pad(cell, widths[c] ?? 0, c === 2))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [render(lines[0]!), rule, ...lines.slice(1).map(render)].join('\n');
}

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const only = parseOnly(process.argv.slice(2));
  const files = readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .filter((f) => !only || only.has(path.basename(f, '.ts')));
  if (only) {
    const unknown = [...only].filter((n) => !files.some((f) => path.basename(f, '.ts') === n));
    if (unknown.length > 0) throw new Error(`no scenario named ${unknown.join(', ')} in bench/scenarios/`);
  }
  const startedAt = new Date();
  const load = os.loadavg()[0] ?? 0;
  const results: ScenarioResult[] = [];
  for (const file of files) {
    process.stderr.write(`bench: ${path.basename(file, '.ts')}…\n`);
    const result = await runOne(path.join(SCENARIOS, file));
    process.stderr.write(
      `bench: ${result.name} done in ${fmt(result.seconds)} s${result.error ? ' (failed)' : ''}\n`,
    );
    results.push(result);
  }
  const keys: Record<string, unknown> = {};
  for (const r of results) Object.assign(keys, r.keys);
  // Unless a scenario measured it itself, peak RSS is the largest sampled over the scenarios' processes.
  const peaks = results.filter((r) => r.peakRssMb > 0).map((r) => r.peakRssMb);
  if (keys['peakRssMb'] === undefined && peaks.length > 0) keys['peakRssMb'] = Math.max(...peaks);
  const environment = {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    loadAverage1mAtStart: Math.round(load * 100) / 100,
    loadAverage1mAtEnd: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    date: startedAt.toISOString(),
    gitCommit: gitCommit(),
  };
  const out = {
    ...keys,
    environment,
    scenarios: Object.fromEntries(
      results.map((r) => [
        r.name,
        { rows: r.rows, notes: r.notes, peakRssMb: r.peakRssMb, seconds: r.seconds, error: r.error },
      ]),
    ),
  };
  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  writeFileSync(path.join(__dirname, 'results', 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);

  const print = (s = ''): boolean => process.stdout.write(`${s}\n`);
  print(
    `roomsync bench  ${environment.date}  node ${environment.node}  ${String(environment.cpus)} cpus  load ${fmt(environment.loadAverage1mAtStart)} → ${fmt(environment.loadAverage1mAtEnd)}  ${environment.gitCommit}`,
  );
  print();
  print(table(results));
  for (const r of results) {
    if (r.notes.length === 0 && !r.error) continue;
    print();
    print(`${r.name}:`);
    for (const n of r.notes) print(`  - ${n}`);
    if (r.error) print(`  FAILED: ${r.error}`);
  }
  print();
  print(
    `peakRssMb: the largest RSS sampled every 50 ms in a scenario's process, run with the deployed heap limit (--max-old-space-size=${String(WORKER_HEAP_MB)}): the backfill's is the sync worker alone; the others' hold the local host and the emulators (Azurite runs apart).`,
  );
  print(`written: bench/results/latest.json`);
  if (results.some((r) => r.error)) process.exitCode = 1;
}

void main();
