import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

/**
 * The pure core is layered recurrence ← model ← mapping: each folder imports only those below it, so a
 * change to the model can never be needed to read a recurrence, and there is no import circle.
 */

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');
const BELOW: Record<string, string[]> = {
  recurrence: [],
  model: ['recurrence'],
  mapping: ['recurrence', 'model'],
};

/** The shared/ folders a folder's files import (relative imports only; packages are not layers). */
function importedFolders(folder: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of readdirSync(path.join(SHARED, folder)).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(path.join(SHARED, folder, file), 'utf8');
    for (const [, target] of text.matchAll(/\bfrom\s+'(\.[^']*)'/g)) {
      const resolved = path.relative(SHARED, path.resolve(SHARED, folder, target ?? '.'));
      const top = resolved.split(path.sep)[0] ?? resolved;
      if (top === folder) continue;
      found.set(top, [...(found.get(top) ?? []), file]);
    }
  }
  return found;
}

describe('the core’s layers', () => {
  for (const [folder, allowed] of Object.entries(BELOW)) {
    it(`shared/${folder} imports only ${allowed.length ? allowed.join(' and ') : 'itself'}`, () => {
      const wrong = [...importedFolders(folder)].filter(([top]) => !allowed.includes(top));
      assert.deepEqual(
        wrong.map(([top, files]) => `${top} (from ${files.join(', ')})`),
        [],
        `shared/${folder} imports a folder it must not`,
      );
    });
  }
});
