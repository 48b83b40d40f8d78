import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { waitFor } from '../helpers/wait';
import { groupAlive, runNpm, type NpmRun } from '../helpers/process-group';

/** `npm start`, exactly as a developer runs it, in its own process group like a terminal job. */
function npmStart(env: Record<string, string>): NpmRun {
  return runNpm(['start', '--silent'], { ROOMSYNC_LOG_FORMAT: 'json', ...env });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm start (the sandbox)', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the endpoints, serves /api/health, and stops on SIGINT within 2 s leaving nothing behind', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roomsync-sandbox-'));
    dirs.push(dir);
    const sandbox = npmStart({
      ROOMSYNC_HOST_PORT: '0',
      ROOMSYNC_GRAPH_PORT: '0',
      ROOMSYNC_WORKPLACE_PORT: '0',
      ROOMSYNC_SANDBOX_DIR: dir,
    });
    const pgid = sandbox.child.pid ?? assert.fail('no pid');
    try {
      const file = path.join(dir, 'endpoints.json');
      await waitFor('endpoints.json', () => existsSync(file), 60_000);
      await waitFor(
        'the endpoints banner',
        () => sandbox.stdout.join('').includes('Press Ctrl-C to stop.'),
        10_000,
      );
      const endpoints = JSON.parse(readFileSync(file, 'utf8')) as {
        host: string;
        functionKey: string;
        storage: string;
        graph: string;
        workplace: string;
        workplaceToken: string;
        rooms: { email: string; workplaceRoomId: string }[];
        people: string[];
      };
      assert.match(endpoints.graph, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.match(endpoints.workplace, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(endpoints.rooms.length >= 2 && endpoints.people.length >= 2);
      // The emulators answer, seeded with the demo rooms.
      const rooms = await fetch(`${endpoints.workplace}/rooms`, {
        headers: { authorization: `Bearer ${endpoints.workplaceToken}` },
      });
      assert.equal(rooms.status, 200);
      assert.equal(((await rooms.json()) as { items: unknown[] }).items.length, endpoints.rooms.length);
      // ... and registered for sync, each with its Graph subscription.
      const registered = await fetch(`${endpoints.host}/api/rooms`, {
        headers: { 'x-functions-key': endpoints.functionKey },
      });
      const items = ((await registered.json()) as { items: { email: string; subscription: unknown }[] })
        .items;
      assert.deepEqual(
        items.map((r) => [r.email, r.subscription !== null]),
        endpoints.rooms.map((r) => [r.email, true]),
      );
      assert.match(sandbox.stdout.join(''), /Outlook -> Workplace/);
      assert.match(sandbox.stdout.join(''), /Workplace -> Exchange/);
      assert.match(endpoints.host, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(endpoints.functionKey.length >= 16);
      assert.match(sandbox.stdout.join(''), new RegExp(`Functions host\\s+${endpoints.host}`));

      const res = await fetch(`${endpoints.host}/api/health`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const report = (await res.json()) as { status: string; checks: { name: string; ok: boolean }[] };
      assert.equal(report.status, 'ok');
      assert.deepEqual(
        report.checks.map((c) => [c.name, c.ok]),
        [
          ['tableStorage', true],
          ['queueStorage', true],
        ],
      );

      const ports = [
        endpoints.host,
        endpoints.graph,
        endpoints.workplace,
        ...endpoints.storage.match(/http:\/\/127\.0\.0\.1:\d+/g)!,
      ].map((url) => Number(new URL(url).port));
      assert.equal(ports.length, 5);

      const started = Date.now();
      process.kill(-pgid, 'SIGINT');
      const { code, signal } = await sandbox.exited;
      const elapsed = Date.now() - started;
      // npm itself ends by the signal it relayed, as after Ctrl-C in a terminal; the sandbox under it must
      // have shut down cleanly.
      assert.ok(
        code === 0 || signal === 'SIGINT',
        `npm ended with code ${code} signal ${signal}: ${sandbox.stderr.join('')}`,
      );
      assert.match(sandbox.stdout.join(''), /"msg":"Sandbox stopped"/);
      assert.ok(elapsed < 2000, `stopped in ${elapsed} ms`);
      await waitFor('the process group to be gone', () => !groupAlive(pgid), 2000);
      for (const port of ports) assert.equal(await portOpen(port), false, `port ${port} still open`);
      assert.equal(existsSync(file), false, 'endpoints.json removed on stop');
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  });

  it('refuses to start on bad settings, naming each one, without echoing secrets', async () => {
    const sandbox = npmStart({
      ROOMSYNC_HOST_PORT: 'seventy',
      ROOMSYNC_SYNC_HORIZON_DAYS: '-3',
      AzureWebJobsStorage: 'AccountKey=SUPER-SECRET;garbage',
    });
    const { code } = await sandbox.exited;
    const stderr = sandbox.stderr.join('');
    assert.equal(code, 1);
    assert.match(stderr, /Invalid configuration:/);
    assert.match(stderr, /- ROOMSYNC_HOST_PORT: got "seventy"; expected a TCP port/);
    assert.match(stderr, /- ROOMSYNC_SYNC_HORIZON_DAYS: out of range \(got "-3"\)/);
    assert.match(stderr, /- AzureWebJobsStorage: not a key=value/);
    assert.ok(!stderr.includes('SUPER-SECRET'));
  });
});
