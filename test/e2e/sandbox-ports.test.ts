import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { groupAlive, runNpm } from '../helpers/process-group';
import { waitFor } from '../helpers/wait';

/** A listener on a free loopback port, standing for whatever else a developer runs there. */
async function squat(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : assert.fail('no port') };
}

describe('npm start on a taken port', () => {
  let taken: { server: Server; port: number };
  before(async () => {
    taken = await squat();
  });
  after(async () => {
    await new Promise((resolve) => taken.server.close(resolve));
  });

  for (const setting of ['ROOMSYNC_HOST_PORT', 'ROOMSYNC_GRAPH_PORT', 'ROOMSYNC_WORKPLACE_PORT']) {
    it(`says in one line, with no stack trace, to change ${setting}, and leaves no process`, async () => {
      const sandbox = runNpm(['start', '--silent'], {
        ROOMSYNC_LOG_FORMAT: 'json',
        ROOMSYNC_HOST_PORT: '0',
        ROOMSYNC_GRAPH_PORT: '0',
        ROOMSYNC_WORKPLACE_PORT: '0',
        [setting]: String(taken.port),
      });
      const pgid = sandbox.child.pid ?? assert.fail('no pid');
      try {
        const { code } = await sandbox.exited;
        assert.equal(code, 1);
        assert.equal(
          sandbox.stderr.join(''),
          `Port ${taken.port} is in use: set ${setting} to another port, or 0 for a free one\n`,
        );
        await waitFor('the process group to be gone', () => !groupAlive(pgid), 2000);
      } finally {
        if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
      }
    });
  }
});
