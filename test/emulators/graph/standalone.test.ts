import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchToken, graphClient } from '../../helpers/graph-client';
import { waitFor } from '../../helpers/wait';
import { groupAlive, runNpm } from '../../helpers/process-group';

describe('npm run emulator:graph (the emulator on its own)', () => {
  it('starts on the port it is given, is driven through its control API and the Graph SDK, and stops on SIGINT', async () => {
    const {
      child,
      stdout: output,
      exited,
    } = runNpm(['run', '--silent', 'emulator:graph'], { GRAPH_EMULATOR_PORT: '0' });
    try {
      const url = await waitFor(
        'the emulator to print its address',
        () => /listening on (https:\/\/\S+)/.exec(output.join(''))?.[1],
        30_000,
      );
      const control = async (route: string, body: unknown): Promise<Response> =>
        fetch(`${url}/_emulator/${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      assert.equal(
        (await control('users', { email: 'ada@contoso.com', displayName: 'Ada', kind: 'person' })).status,
        201,
      );
      assert.equal(
        (await control('users', { email: 'room@contoso.com', displayName: 'Room', kind: 'room' })).status,
        201,
      );

      const client = graphClient(url, await fetchToken(url));
      await client.api('/users/ada@contoso.com/events').post({
        subject: 'Standalone',
        start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
        attendees: [{ type: 'resource', emailAddress: { address: 'room@contoso.com' } }],
      });
      const copy = await waitFor('the room to accept', async () => {
        const { value } = (await client.api('/users/room@contoso.com/events').get()) as {
          value: { id: string }[];
        };
        return value[0];
      });
      // The room answers again (as a delegate might); Graph answers 202 with no body.
      await client.api(`/users/room@contoso.com/events/${copy.id}/accept`).post({ sendResponse: true });
      const stats = (await (await fetch(`${url}/_emulator/stats`)).json()) as {
        byMailbox: Record<string, number>;
      };
      assert.ok((stats.byMailbox['room@contoso.com'] ?? 0) >= 2);
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    }
    const { code, signal } = await exited;
    // npm ends by the signal it relayed, as after Ctrl-C in a terminal; the emulator under it exits cleanly.
    assert.ok(code === 0 || signal === 'SIGINT', `ended with code ${String(code)} signal ${String(signal)}`);
    await waitFor('the emulator process to be gone', () => !groupAlive(child.pid ?? 0), 5_000);
  });
});
