import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createLogger } from '../../../shared/telemetry/logger';
import { redactText } from '../../../shared/telemetry/redact';

/** A credential: long enough and random enough that it cannot appear in a line by chance. */
const secret = fc.stringMatching(/^[A-Za-z0-9_-]{24,40}$/);

/** Where credentials are found in the texts a log line carries. */
const PLACES: ((s: string) => string)[] = [
  (s) => `GET https://st.table.core.windows.net/rooms()?sv=2024&sig=${s}&se=2026 failed`,
  (s) => `https://roomsync.azurewebsites.net/api/status?code=${s}`,
  (s) => `POST /oauth/token client_id=roomsync&client_secret=${s}&grant_type=client_credentials`,
  (s) => `https://login.example/cb#access_token=${s}&token_type=Bearer`,
  (s) => `request headers: {"Authorization":"Bearer ${s}","accept":"application/json"}`,
  (s) => `authorization: Bearer ${s}`,
  (s) => `Authorization: SharedKey stexample:${s}`,
  (s) => `x-functions-key: ${s}`,
  (s) => `DefaultEndpointsProtocol=https;AccountName=st;AccountKey=${s};EndpointSuffix=core.windows.net`,
  (s) => `the answer was {"error":"invalid_client","client_secret":"${s}"}`,
  (s) => `connect to https://admin:${s}@db.example.com/x`,
  (s) => `password=${s}`,
  (s) => `token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.${s}`,
];

describe('masking credentials by what they look like', () => {
  it('masks a credential in every place it is found, in any text around it', () => {
    fc.assert(
      fc.property(secret, fc.nat({ max: PLACES.length - 1 }), fc.string(), (s, place, around) => {
        const text = `${around} ${(PLACES[place] ?? String)(s)} ${around}`;
        const masked = redactText(text);
        assert.ok(!masked.includes(s), masked);
        assert.ok(masked.includes('[redacted]'), masked);
      }),
      { seed: 19_13, numRuns: 500 },
    );
  });

  it('leaves ordinary text alone (error codes, counts, addresses of rooms)', () => {
    for (const text of [
      'HTTP 404 ResourceNotFound: room.alpha@contoso.com is not registered',
      'error code: 429, retry after 3 s',
      'Graph refused the subscription: ValidationError',
      'the room key was not found',
    ])
      assert.equal(redactText(text), text);
  });

  it('stays linear on hostile text: a megabyte of near-misses in well under a second', () => {
    const hostile = [
      'a.'.repeat(100_000),
      'code'.repeat(50_000),
      '"secret":"'.repeat(20_000),
      'https://'.repeat(50_000),
    ].join(' ');
    const started = performance.now();
    redactText(hostile);
    assert.ok(performance.now() - started < 1000, `${String(performance.now() - started)} ms`);
  });

  it('masks values at any depth of a log line: fields, arrays, error messages, stacks and causes', () => {
    fc.assert(
      fc.property(secret, fc.nat({ max: PLACES.length - 1 }), fc.nat({ max: 5 }), (s, place, depth) => {
        const text = (PLACES[place] ?? String)(s);
        const inner = new Error(`inner: ${text}`);
        const error = new Error('the outer failure', { cause: inner });
        let nested: unknown = { detail: text, error, list: [text] };
        for (let i = 0; i < depth; i++) nested = { level: i, nested };
        const lines: string[] = [];
        createLogger({ write: (l) => lines.push(l) }).error(`failed: ${text}`, { nested, url: text });
        const line = lines[0] ?? '';
        assert.ok(!line.includes(s), line);
        assert.ok(line.includes('the outer failure'));
      }),
      { seed: 19_13, numRuns: 300 },
    );
  });

  it('writes a line for a cyclic, bigint or very deep field instead of throwing or leaking', () => {
    const lines: string[] = [];
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic['self'] = cyclic;
    let deep: unknown = { password: 'hunter2-hunter2', note: 'password=hunter2-hunter2' };
    for (let i = 0; i < 20; i++) deep = { deep };
    createLogger({ write: (l) => lines.push(l) }).info('odd fields', { cyclic, big: 10n, deep });
    const line = lines[0] ?? '';
    const entry = JSON.parse(line) as { cyclic: { self: string }; big: string };
    assert.equal(entry.cyclic.self, '[circular]');
    assert.equal(entry.big, '10');
    assert.ok(line.includes('[too deep]'));
    assert.ok(!line.includes('hunter2'));
  });
});
