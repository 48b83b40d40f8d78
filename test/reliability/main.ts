import { parseArgs } from 'node:util';
import { DEFAULTS, runScenario, type ScenarioResult } from './scenario';
import { startWorld } from './world';

/**
 * `npm run fuzz -- --scenarios 500 [--seed N]`: scenarios N, N+1, …, a line each, then statistics per
 * fault type. Exit code 1 when any scenario failed; each failure prints how to replay it alone.
 */

const USAGE = `usage: npm run fuzz -- [--scenarios N] [--seed S] [--seeds a,b,…] [--actions A] [--verbose]
  --scenarios N   how many scenarios (default 50)
  --seed S        the first seed (default 1); scenario i runs seed S+i
  --seeds a,b,…   exactly these seeds instead (the regression seeds of fixed bugs, say)
  --actions A     user actions per scenario (default ${String(DEFAULTS.actions)})
  --verbose       print every scenario's trace and the service's warnings`;

function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        scenarios: { type: 'string', default: '50' },
        seed: { type: 'string', default: '1' },
        seeds: { type: 'string' },
        actions: { type: 'string', default: String(DEFAULTS.actions) },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return Promise.resolve(2);
  }
  if (values.help) {
    console.log(USAGE);
    return Promise.resolve(0);
  }
  const count = Number(values.scenarios);
  const first = Number(values.seed);
  const actions = Number(values.actions);
  for (const [name, n] of [
    ['--scenarios', count],
    ['--seed', first],
    ['--actions', actions],
  ] as const) {
    if (!Number.isInteger(n) || n < 0) {
      console.error(`${name} must be a whole number, got ${String(n)}\n${USAGE}`);
      return Promise.resolve(2);
    }
  }
  const seeds = values.seeds
    ? values.seeds.split(',').map((x) => Number(x.trim()))
    : Array.from({ length: count }, (_, i) => first + i);
  if (seeds.some((n) => !Number.isInteger(n) || n < 0)) {
    console.error(`--seeds must list whole numbers, got ${String(values.seeds)}\n${USAGE}`);
    return Promise.resolve(2);
  }
  return run(seeds, actions, values.verbose);
}

async function run(seeds: number[], actions: number, verbose: boolean): Promise<number> {
  const began = Date.now();
  const world = await startWorld();
  const results: ScenarioResult[] = [];
  try {
    for (const seed of seeds) {
      const result = await runScenario(world, { ...DEFAULTS, actions, seed });
      results.push(result);
      const s = result.stats;
      console.log(
        `seed ${String(seed).padStart(6)}  ${result.ok ? 'ok  ' : 'FAIL'}  ${String(result.ms).padStart(6)} ms  ` +
          `actions ${String(s.actions)}  tries ${String(s.attempts)}  kills ${String(s.kills)}  poisoned ${String(s.poisoned)}  ` +
          `writes ${String(s.serviceWrites)}  trace ${result.digest}`,
      );
      if (verbose) console.log(result.trace.join('\n'));
      if (!result.ok) {
        for (const p of result.problems) console.log(`    problem: ${p}`);
        console.log(`    last steps:\n${result.trace.slice(-25).join('\n')}`);
        if (verbose) console.log(result.logs.join('\n'));
        console.log(`    replay: npm run fuzz -- --scenarios 1 --seed ${String(seed)} --verbose`);
      }
    }
  } finally {
    await world.close();
  }
  printSummary(results, Date.now() - began);
  return results.every((r) => r.ok) ? 0 : 1;
}

function printSummary(results: ScenarioResult[], ms: number): void {
  const sum = (pick: (r: ScenarioResult) => Record<string, number>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(pick(r))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const failed = results.filter((r) => !r.ok);
  const total = (f: (r: ScenarioResult) => number): number => results.reduce((n, r) => n + f(r), 0);
  const seeds = results.map((r) => r.seed);
  const contiguous = seeds.every((seed, i) => i === 0 || seed === (seeds[i - 1] ?? 0) + 1);
  const range = contiguous ? `${String(seeds[0])}..${String(seeds[seeds.length - 1])}` : seeds.join(', ');
  console.log(
    `\n${String(results.length)} scenarios (seeds ${range}) in ${(ms / 1000).toFixed(1)} s: ` +
      `${String(results.length - failed.length)} passed, ${String(failed.length)} failed` +
      (failed.length > 0 ? ` (seeds ${failed.map((r) => r.seed).join(', ')})` : ''),
  );
  const rows: [string, number][] = [
    ['user actions', total((r) => r.stats.actions)],
    ['worker tries', total((r) => r.stats.attempts)],
    ['workers killed between steps', total((r) => r.stats.kills)],
    ['messages poisoned (replayed in the calm phase)', total((r) => r.stats.poisoned)],
    ['reconcile sweeps', total((r) => r.stats.sweeps)],
    ['delta tokens expired', total((r) => r.stats.tokenExpiries)],
    ['notifications taken in', total((r) => r.stats.deliveries.graph)],
    ['webhooks taken in', total((r) => r.stats.deliveries.workplace)],
    ['webhooks answered as repeats (deliveryId)', total((r) => r.stats.deliveries.duplicates)],
    ['service writes', total((r) => r.stats.serviceWrites)],
  ];
  console.log('\nfault / event                                      count');
  for (const [name, n] of rows) console.log(`${name.padEnd(50)} ${String(n).padStart(6)}`);
  for (const [name, n] of Object.entries(sum((r) => r.stats.injected)).sort()) {
    console.log(`injected: ${name.padEnd(40)} ${String(n).padStart(6)}`);
  }
  for (const [name, n] of Object.entries(sum((r) => r.stats.failures)).sort()) {
    console.log(`failed tries: ${name.padEnd(36)} ${String(n).padStart(6)}`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
