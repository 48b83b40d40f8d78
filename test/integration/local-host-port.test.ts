import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { functionModulesIn } from '../../local/host/function-app';
import { startLocalHost } from '../../local/host/host';
import { parseHostJson } from '../../local/host/host-json';
import { PortInUseError } from '../../local/host/listen';
import type { HostLogger } from '../../local/host/logger';
import { FUNCTION_KEY, MASTER_KEY } from '../helpers/host';

const silent: HostLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

describe('local host: a taken port', () => {
  it('refuses to start with a PortInUseError naming the port, for its caller to explain', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const address = squatter.address();
    const port = typeof address === 'object' && address ? address.port : assert.fail('no port');
    try {
      await assert.rejects(
        startLocalHost({
          modules: functionModulesIn(path.join(__dirname, '..', 'fixtures', 'http-app')),
          settings: parseHostJson({ version: '2.0' }),
          keys: { functionKey: FUNCTION_KEY, masterKey: MASTER_KEY },
          appSettings: {},
          port,
          logger: silent,
        }),
        (err) => err instanceof PortInUseError && err.port === port && err.hostname === '127.0.0.1',
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
