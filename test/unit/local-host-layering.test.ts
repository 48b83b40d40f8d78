import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const HOST = path.join(ROOT, 'local', 'host');

/** Static imports, side-effect imports, `import()` and `require()`; a match in a comment only makes it stricter. */
const SPECIFIER = /(?:\bfrom\s+|\bimport\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

function sourcesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesIn(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * The imports of `file` (whose text is `text`) that leave local/host/, as paths from the repository root.
 * Packages are allowed; the host's own folder is; anything else of this repository is roomsync's.
 */
function importsLeavingHost(file: string, text: string): string[] {
  return [...text.matchAll(SPECIFIER)]
    .map((match) => match[1] ?? '')
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.resolve(path.dirname(file), specifier))
    .filter((target) => target !== HOST && !target.startsWith(`${HOST}${path.sep}`))
    .map((target) => path.relative(ROOT, target));
}

describe('local/host knows nothing of roomsync', () => {
  it('imports nothing of this repository outside local/host/ (no shared/, functions/, emulators/, local/sandbox/)', () => {
    const files = sourcesIn(HOST);
    let relativeImports = 0;
    const leaving: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      relativeImports += [...text.matchAll(SPECIFIER)].filter((m) => m[1]?.startsWith('.')).length;
      for (const target of importsLeavingHost(file, text))
        leaving.push(`${path.relative(ROOT, file)} -> ${target}`);
    }
    // Not vacuous: the host's files were found and their imports read.
    assert.ok(files.length >= 10, `found ${files.length} files in local/host`);
    assert.ok(relativeImports >= 10, `read ${relativeImports} relative imports`);
    assert.deepEqual(leaving, []);
  });

  it('catches each kind of import that would break the rule', () => {
    const file = path.join(HOST, 'host.ts');
    const text = [
      "import { createLogger } from '../../shared/telemetry/logger';",
      "import type { Endpoints } from '../sandbox/endpoints';",
      "import '../../emulators/graph/server';",
      "const fn = require('../../functions/health');",
      "const later = import('../../test/helpers/host');",
      "import { listen } from './listen';",
      "import { z } from 'zod';",
    ].join('\n');
    assert.deepEqual(importsLeavingHost(file, text), [
      'shared/telemetry/logger',
      'local/sandbox/endpoints',
      'emulators/graph/server',
      'functions/health',
      'test/helpers/host',
    ]);
  });
});
