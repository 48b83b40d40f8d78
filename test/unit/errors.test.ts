import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFound, Refused, SideError, Stale, Throttled, ensureError } from '../../shared/errors';
import { failureOf } from '../../shared/graph/errors';

describe('the error vocabulary', () => {
  it('names each failure by its side and kind, one class per decision whatever the side', () => {
    const graph = failureOf(412, 'ErrorIrresolvableConflict', 'changed');
    const store = new Stale('store', 412, 'ConcurrentUpdate', 'changed');
    assert.ok(graph instanceof Stale && store instanceof Stale);
    assert.equal(graph.name, 'GraphStale');
    assert.equal(store.name, 'StoreStale');
    assert.equal(new NotFound('workplace', 404, 'notFound', 'gone').name, 'WorkplaceNotFound');
    const refused = new Refused('workplace', 400, 'invalid', 'bad', 'subject');
    assert.equal(refused.field, 'subject');
    assert.ok(refused instanceof SideError && refused.side === 'workplace');
  });

  it('gives Graph throttling a wait always (Retry-After, else a minute)', () => {
    const said = failureOf(429, 'TooManyRequests', 'slow down', '2.5');
    const silent = failureOf(503, 'ServiceUnavailable', 'busy');
    assert.ok(said instanceof Throttled && silent instanceof Throttled);
    assert.equal(said.retryAfterMs, 2500);
    assert.equal(silent.retryAfterMs, 60_000);
  });

  it('turns anything thrown into an Error, keeping Errors as they are', () => {
    const error = new TypeError('x');
    assert.equal(ensureError(error), error);
    assert.equal(ensureError('boom').message, 'thrown: boom');
    assert.match(ensureError({ code: 7 }).message, /^thrown: \{ code: 7 \}$/);
    assert.equal(ensureError(undefined).name, 'NonError');
  });
});
