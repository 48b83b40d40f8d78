import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

/**
 * The house rules of docs/architecture.md as checks (issue 20.8): the pure core imports nothing that does
 * I/O, the core's folders are layered, shared/ never imports functions/ or local/, the store does not
 * import the sync, subscription upkeep does not import the rooms admin, and the emulators import nothing
 * of the code under test. (local/host's own rule: local-host-layering.test.ts.)
 */

const ROOT = path.resolve(__dirname, '..', '..');

/** Static imports, side-effect imports, `import()` and `require()`; `import type` is erased and not one. */
const SPECIFIER =
  /(?:\b(?:import|export)\s+(?!type\b)[^;'"]*?\bfrom\s+|\bimport\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

function sourcesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesIn(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** A relative import resolved to the file it names (`x` → `x.ts` or `x/index.ts`), from the root. */
function resolveFile(from: string, specifier: string): string {
  const target = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${target}.ts`, path.join(target, 'index.ts'), target]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return path.relative(ROOT, candidate);
  }
  return path.relative(ROOT, target);
}

interface Imports {
  files: string[];
  relative: string[];
  packages: string[];
}

const cache = new Map<string, Imports>();

/** What a file imports: repository files (from the root) and packages (by name). */
function importsOf(file: string): Imports {
  const known = cache.get(file);
  if (known) return known;
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(SPECIFIER)].map((m) => m[1] ?? '');
  const found: Imports = {
    files: [file],
    relative: specifiers.filter((s) => s.startsWith('.')).map((s) => resolveFile(path.join(ROOT, file), s)),
    packages: specifiers.filter((s) => !s.startsWith('.')),
  };
  cache.set(file, found);
  return found;
}

/** Every repository file `file` reaches through its imports, itself included. */
function reach(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || !file.endsWith('.ts')) return seen;
  seen.add(file);
  for (const next of importsOf(file).relative) reach(next, seen);
  return seen;
}

const top = (file: string, depth = 2): string => file.split(path.sep).slice(0, depth).join('/');

/** The pure core: decisions and mappings, tested without servers. */
const PURE = [
  'shared/errors.ts',
  'shared/model',
  'shared/recurrence',
  'shared/mapping',
  'shared/graph/event.ts',
  'shared/graph/properties.ts',
  'shared/sync/decide.ts',
  'shared/sync/plan.ts',
  'shared/sync/triage.ts',
  'shared/sync/link-record.ts',
  'shared/sync/booking-of.ts',
  'shared/sync/execute/exchange-checks.ts',
];

/** Packages pure code may use: they compute, and do no I/O. */
const PURE_PACKAGES = new Set(['zod', 'luxon', 'rrule', 'windows-iana', 'node:crypto', 'node:util']);

function filesOf(entry: string): string[] {
  const full = path.join(ROOT, entry);
  return entry.endsWith('.ts') ? [entry] : sourcesIn(full).map((f) => path.relative(ROOT, f));
}

function violations(entries: string[], forbidden: (target: string, from: string) => boolean): string[] {
  return entries.flatMap(filesOf).flatMap((file) =>
    importsOf(file)
      .relative.filter((target) => forbidden(target, file))
      .map((target) => `${file} -> ${target}`),
  );
}

/**
 * Where the pure core reaches, at run time, code outside it or a package that is not pure (a type-only
 * import is erased: it runs nothing).
 */
function impurities(pureFiles: Set<string>): string[] {
  const problems: string[] = [];
  for (const file of pureFiles) {
    for (const reached of reach(file)) {
      if (!pureFiles.has(reached)) problems.push(`${file} reaches ${reached}, which is not pure`);
      for (const pkg of importsOf(reached).packages)
        if (!PURE_PACKAGES.has(pkg)) problems.push(`${reached} imports ${pkg}`);
    }
  }
  return [...new Set(problems)];
}

describe('layering', () => {
  const pureFiles = new Set(PURE.flatMap(filesOf));

  it('the pure core reaches no code and no package that does I/O', () => {
    assert.ok(pureFiles.size >= 25, `found ${String(pureFiles.size)} pure files`);
    assert.deepEqual(impurities(pureFiles), []);
  });

  it('the core is layered recurrence ← model ← mapping (mapping also reads Graph’s event vocabulary)', () => {
    const below: Record<string, string[]> = {
      'shared/recurrence': [],
      'shared/model': ['shared/recurrence'],
      'shared/mapping': ['shared/recurrence', 'shared/model', 'shared/graph'],
    };
    for (const [folder, allowed] of Object.entries(below)) {
      assert.deepEqual(
        violations([folder], (target) => !target.startsWith(folder) && !allowed.includes(top(target))),
        [],
        `${folder} imports only ${allowed.join(', ') || 'itself'}`,
      );
    }
  });

  it('shared/ never imports functions/, local/, emulators/, test/ or bench/', () => {
    assert.deepEqual(
      violations(['shared'], (target) => !target.startsWith('shared/') && !target.startsWith('node_modules')),
      [],
    );
  });

  it('the store does not import the sync, and subscription upkeep not the rooms admin', () => {
    assert.deepEqual(
      violations(['shared/store'], (target) => target.startsWith('shared/sync/')),
      [],
    );
    assert.deepEqual(
      violations(['shared/subscriptions'], (target) => target.startsWith('shared/rooms/')),
      [],
    );
  });

  it('the emulators import nothing of the code under test (shared/, functions/, local/)', () => {
    assert.deepEqual(
      violations(['emulators'], (target) => !target.startsWith('emulators/')),
      [],
    );
  });

  it('catches a broken rule: decide.ts importing the store would be reported', () => {
    const decide = 'shared/sync/decide.ts';
    const real = importsOf(decide);
    cache.set(decide, { ...real, relative: [...real.relative, 'shared/store/links.ts'] });
    try {
      const found = impurities(pureFiles);
      assert.ok(
        found.includes(`${decide} reaches shared/store/links.ts, which is not pure`),
        found.join('\n'),
      );
      assert.ok(
        found.some((p) => p.endsWith('imports @azure/data-tables')),
        'and what it reaches does I/O',
      );
    } finally {
      cache.set(decide, real);
    }
  });
});
