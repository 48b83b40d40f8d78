import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the pure core', () => {
  it('imports on its own: no configuration, no I/O at import time', () => {
    for (const entry of ['shared/model', 'shared/recurrence', 'shared/mapping']) {
      // An empty environment: importing must not read settings (config.ts would refuse to start).
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', '-e', `const m = require('./${entry}'); console.log(Object.keys(m).length)`],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '' },
          encoding: 'utf8',
        },
      );
      assert.ok(Number(out.trim()) > 0, entry);
    }
  });
});
