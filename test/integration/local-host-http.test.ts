import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FUNCTION_KEY, MASTER_KEY, startTestHost, type TestHost } from '../helpers/host';

describe('local host: HTTP functions', () => {
  let t: TestHost;
  before(async () => {
    t = await startTestHost('http-app');
  });
  after(async () => {
    await t.close();
  });

  it('refuses a function-level route without a key, or with a wrong one, with 401', async () => {
    assert.equal((await fetch(`${t.host.url}/api/items/7`)).status, 401);
    const wrong = await fetch(`${t.host.url}/api/items/7`, { headers: { 'x-functions-key': 'nope' } });
    assert.equal(wrong.status, 401);
    assert.equal((await fetch(`${t.host.url}/api/items/7?code=nope`)).status, 401);
  });

  it('serves it with the key in x-functions-key, with route params, query and body', async () => {
    const res = await fetch(`${t.host.url}/api/items/42/lamp?colour=red`, {
      method: 'POST',
      headers: { 'x-functions-key': FUNCTION_KEY },
      body: 'hello',
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-echo'), 'yes');
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), {
      method: 'POST',
      params: { id: '42', name: 'lamp' },
      query: { colour: 'red' },
      body: 'hello',
      functionName: 'echo',
    });
  });

  it('accepts the key as ?code= and the master key for function level', async () => {
    assert.equal((await fetch(`${t.host.url}/api/items/1?code=${FUNCTION_KEY}`)).status, 201);
    assert.equal((await fetch(`${t.host.url}/api/items/1?code=${MASTER_KEY}`)).status, 201);
  });

  it('requires the master key for admin level', async () => {
    const url = `${t.host.url}/api/admin/thing`;
    assert.equal(
      (await fetch(url, { method: 'DELETE', headers: { 'x-functions-key': FUNCTION_KEY } })).status,
      401,
    );
    assert.equal(
      (await fetch(url, { method: 'DELETE', headers: { 'x-functions-key': MASTER_KEY } })).status,
      204,
    );
  });

  it('serves anonymous functions without a key, at their name when no route is given', async () => {
    const res = await fetch(`${t.host.url}/api/open`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'open');
    assert.equal((await fetch(`${t.host.url}/api/OPEN`, { method: 'POST' })).status, 200);
  });

  it('answers 404 for unknown routes, unmatched constraints, methods not registered and paths outside the prefix', async () => {
    const key = { 'x-functions-key': FUNCTION_KEY };
    assert.equal((await fetch(`${t.host.url}/api/nothing-here`)).status, 404);
    assert.equal((await fetch(`${t.host.url}/api/items/abc`, { headers: key })).status, 404);
    assert.equal((await fetch(`${t.host.url}/api/items/1`, { method: 'DELETE', headers: key })).status, 404);
    assert.equal((await fetch(`${t.host.url}/open`)).status, 404);
  });

  it('answers 500 with an empty body when the handler throws, and logs the error', async () => {
    const res = await fetch(`${t.host.url}/api/broken`);
    assert.equal(res.status, 500);
    assert.equal(await res.text(), '');
    assert.ok(t.logs.some((line) => line.includes('handler failed on purpose')));
  });

  it("routes context.log to the host's logger with the function name and invocation id", async () => {
    await fetch(`${t.host.url}/api/items/5`, { headers: { 'x-functions-key': FUNCTION_KEY } });
    const line = t.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'echo called');
    assert.ok(line, 'context.log line missing');
    assert.equal(line.function, 'echo');
    assert.match(String(line.invocationId), /^[0-9a-f-]{36}$/);
  });
});
