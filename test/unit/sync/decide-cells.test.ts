import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Cell } from '../../../shared/sync/decide';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DECIDE = path.join(ROOT, 'shared', 'sync', 'decide.ts');

describe('decide: every cell has a row', () => {
  it('lists the 25 cells of (absent | new | unchanged | changed | deleted)²', () => {
    const changes = ['absent', 'new', 'unchanged', 'changed', 'deleted'] as const;
    const cells: Cell[] = changes.flatMap((e) => changes.map((w): Cell => `${e}/${w}`));
    assert.equal(new Set(cells).size, 25);
  });

  it('does not compile with a row left out (the table is typed by cell)', () => {
    // A copy of decide.ts with one row removed, type-checked beside the original: tsc must refuse it.
    const source = readFileSync(DECIDE, 'utf8');
    const row = "  'changed/changed': bothPresent,\n";
    assert.ok(source.includes(row), 'the row this test removes is in the table');
    const dir = mkdtempSync(path.join(path.dirname(DECIDE), '.decide-cells-'));
    try {
      const copy = path.join(dir, 'decide.ts');
      writeFileSync(
        copy,
        source
          .replace(row, '')
          .replace(/from '\.\.\//g, "from '../../")
          .replace(/from '\.\//g, "from '../"),
      );
      let output = '';
      try {
        execFileSync(
          process.execPath,
          [
            path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
            '--noEmit',
            '--strict',
            '--skipLibCheck',
            '--module',
            'node16',
            '--target',
            'es2022',
            copy,
          ],
          { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' },
        );
      } catch (err) {
        output = err instanceof Error && 'stdout' in err ? String(err.stdout) : String(err);
      }
      assert.match(output, /Property '"changed\/changed"' is missing/, 'tsc names the missing cell');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
