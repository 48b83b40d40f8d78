import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULTS, runScenario } from './scenario';
import { startWorld, type World } from './world';

/**
 * The fuzzer itself (the many seeds run in CI through `npm run fuzz`): a seed replays exactly, and its
 * faults really happen.
 */
describe('reliability fuzzer', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  it('a seed passes, injects every kind of fault, and replays exactly', async () => {
    const first = await runScenario(world, { ...DEFAULTS, seed: 4, actions: 12 });
    assert.deepEqual(first.problems, []);
    const again = await runScenario(world, { ...DEFAULTS, seed: 4, actions: 12 });
    assert.equal(again.digest, first.digest, 'the same trace, step for step');
    const kinds = Object.keys(first.stats.injected).join(' ');
    for (const kind of [
      'graph 5',
      'graph timeout',
      'notification:dropped',
      'workplace 5',
      'webhook:dropped',
    ]) {
      assert.ok(kinds.includes(kind), `${kind} injected (${kinds})`);
    }
    assert.ok(first.stats.kills > 0, 'a worker killed between steps');
  });
});
