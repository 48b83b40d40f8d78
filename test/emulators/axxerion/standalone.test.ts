import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupAlive, runNpm } from '../../helpers/process-group';
import { waitFor } from '../../helpers/wait';

describe('npm run emulator:axxerion (the emulator on its own)', () => {
  it('prints where it listens and its credentials, serves the web services with them, and stops on SIGINT', async () => {
    const { child, stdout, exited } = runNpm(['run', '--silent', 'emulator:axxerion'], {
      AXXERION_EMULATOR_PORT: '0',
    });
    try {
      const output = await waitFor(
        'the emulator to print its address and credentials',
        () => {
          const text = stdout.join('');
          return /password: \S+/.test(text) ? text : undefined;
        },
        30_000,
      );
      const functions =
        /web services: (http:\/\/127\.0\.0\.1:\d+\/webservices\/Contoso\/rest\/functions)\//.exec(
          output,
        )?.[1];
      const user = /HTTP Basic user: (\S+)/.exec(output)?.[1];
      const password = /password: (\S+)/.exec(output)?.[1];
      assert.ok(functions && user && password, output);
      const response = await fetch(`${functions}/completereportresult`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ reference: 'CONTOSO-RS-ROOMS' }),
      });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { data: [] });
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    }
    const { code, signal } = await exited;
    assert.ok(code === 0 || signal === 'SIGINT', `ended with code ${String(code)} signal ${String(signal)}`);
    await waitFor('the emulator process to be gone', () => !groupAlive(child.pid ?? 0), 5_000);
  });
});
