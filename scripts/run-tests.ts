/**
 * Runs the test files under the given folders (default: test/) with Node's test runner and tsx.
 * Node 20's `--test` neither expands globs nor looks for .ts files, hence this small finder.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) return entry === 'fixtures' ? [] : testFiles(full);
      return entry.endsWith('.test.ts') ? [full] : [];
    });
}

const args = process.argv.slice(2);
const options = args.filter((arg) => arg.startsWith('--'));
const roots = args.filter((arg) => !arg.startsWith('--'));
const files = (roots.length > 0 ? roots : ['test']).flatMap((root) =>
  root.endsWith('.ts') ? [root] : testFiles(root),
);
if (files.length === 0) {
  console.error(`No test files found under ${roots.join(', ') || 'test'}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...options, ...files],
  {
    stdio: 'inherit',
    // The emulators serve HTTPS with a test CA (emulators/certs/README.md); Node must trust it from start-up.
    env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(__dirname, '..', 'emulators', 'certs', 'ca.pem') },
  },
);
process.exit(result.status ?? 1);
