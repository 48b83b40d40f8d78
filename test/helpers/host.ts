import path from 'node:path';
import { startAzurite, type RunningAzurite } from '../../local/host/azurite';
import { functionModulesIn } from '../../local/host/function-app';
import { startLocalHost, type LocalHostOptions, type RunningHost } from '../../local/host/host';
import { parseHostJson, type HostJson } from '../../local/host/host-json';
import { createLogger } from '../../shared/telemetry/logger';

export const FUNCTION_KEY = 'test-function-key-0123456789';
export const MASTER_KEY = 'test-master-key-0123456789';

export interface TestHost {
  azurite: RunningAzurite;
  host: RunningHost;
  logs: string[];
  close(): Promise<void>;
}

/** Azurite in memory plus a local host serving one fixture app from test/fixtures/<app>. */
export async function startTestHost(
  app: string,
  options: { hostJson?: HostJson['extensions']; appSettings?: Record<string, string> } = {},
): Promise<TestHost> {
  const azurite = await startAzurite();
  const logs: string[] = [];
  const hostOptions: LocalHostOptions = {
    modules: functionModulesIn(path.join(__dirname, '..', 'fixtures', app)),
    settings: parseHostJson({ version: '2.0', extensions: options.hostJson }),
    keys: { functionKey: FUNCTION_KEY, masterKey: MASTER_KEY },
    appSettings: { AzureWebJobsStorage: azurite.connectionString, ...options.appSettings },
    port: 0,
    logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
  };
  let host: RunningHost;
  try {
    host = await startLocalHost(hostOptions);
  } catch (err) {
    await azurite.stop();
    throw err;
  }
  return {
    azurite,
    host,
    logs,
    close: async () => {
      await host.stop(500);
      await azurite.stop();
    },
  };
}
