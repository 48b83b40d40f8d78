import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupAlive, runNpm } from '../../helpers/process-group';
import { waitFor } from '../../helpers/wait';

describe('npm run emulator:workplace (the emulator on its own)', () => {
  it('starts on the port it is given, serves the API and its control API, and stops on SIGINT', async () => {
    const {
      child,
      stdout: output,
      exited,
    } = runNpm(['run', '--silent', 'emulator:workplace'], { WORKPLACE_EMULATOR_PORT: '0' });
    try {
      const url = await waitFor(
        'the emulator to print its address',
        () => /Workplace emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(''))?.[1],
        30_000,
      );
      const room = await fetch(`${url}/_emulator/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'room-1', name: 'One', timeZone: 'Europe/Brussels' }),
      });
      assert.equal(room.status, 201);
      const token = (await (
        await fetch(`${url}/oauth/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' }),
        })
      ).json()) as { access_token: string };
      const rooms = await fetch(`${url}/rooms`, {
        headers: { authorization: `Bearer ${token.access_token}` },
      });
      assert.equal(rooms.status, 200);
      assert.deepEqual(
        ((await rooms.json()) as { items: { id: string }[] }).items.map((r) => r.id),
        ['room-1'],
      );
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    }
    const { code, signal } = await exited;
    assert.ok(code === 0 || signal === 'SIGINT', `ended with code ${String(code)} signal ${String(signal)}`);
    await waitFor('the emulator process to be gone', () => !groupAlive(child.pid ?? 0), 5_000);
  });
});
