import QueueConfiguration from 'azurite/dist/src/queue/QueueConfiguration';
import QueueServer from 'azurite/dist/src/queue/QueueServer';
import TableConfiguration from 'azurite/dist/src/table/TableConfiguration';
import TableServer from 'azurite/dist/src/table/TableServer';

/** Azurite's well-known development account (public, documented; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  /** A connection string for both services, the value of `AzureWebJobsStorage`. */
  connectionString: string;
  queueEndpoint: string;
  tableEndpoint: string;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  host?: string;
  /** 0 (the default) picks free ports. */
  queuePort?: number;
  tablePort?: number;
}

function portOf(address: string): number {
  return Number(new URL(address).port);
}

/**
 * Starts Azurite's queue and table services inside this process, in memory: nothing to install globally,
 * nothing left on disk, and free ports so parallel test runs never collide.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const host = options.host ?? '127.0.0.1';
  // Azurite's configuration classes take positional arguments only; each is named here. Logs are off, the
  // API-version check is skipped (the SDKs here may speak a newer service version than this Azurite
  // release knows, which changes nothing in the operations we use), and persistence is in memory.
  const queue = new QueueServer(
    new QueueConfiguration(
      host,
      options.queuePort ?? 0,
      /* keepAliveTimeout */ undefined,
      /* metadataDBPath */ undefined,
      /* extentDBPath */ undefined,
      /* persistencePathArray */ undefined,
      /* enableAccessLog */ false,
      /* accessLogWriteStream */ undefined,
      /* enableDebugLog */ false,
      /* debugLogFilePath */ undefined,
      /* loose */ false,
      /* skipApiVersionCheck */ true,
      /* cert */ '',
      /* key */ '',
      /* pwd */ '',
      /* oauth */ undefined,
      /* disableProductStyleUrl */ false,
      /* isMemoryPersistence */ true,
    ),
  );
  const table = new TableServer(
    new TableConfiguration(
      host,
      options.tablePort ?? 0,
      /* keepAliveTimeout */ undefined,
      /* metadataDBPath */ undefined,
      /* enableDebugLog */ false,
      /* enableAccessLog */ false,
      /* accessLogWriteStream */ undefined,
      /* debugLogFilePath */ undefined,
      /* loose */ false,
      /* skipApiVersionCheck */ true,
      /* cert */ '',
      /* key */ '',
      /* pwd */ '',
      /* oauth */ undefined,
      /* disableProductStyleUrl */ false,
      /* isMemoryPersistence */ true,
    ),
  );
  await queue.start();
  try {
    await table.start();
  } catch (err) {
    await queue.close();
    throw err;
  }
  const queueEndpoint = `http://${host}:${portOf(queue.getHttpServerAddress())}/${ACCOUNT}`;
  const tableEndpoint = `http://${host}:${portOf(table.getHttpServerAddress())}/${ACCOUNT}`;
  let stopping: Promise<void> | undefined;
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};` +
      `QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`,
    queueEndpoint,
    tableEndpoint,
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all([queue.close(), table.close()]);
        // In-memory data would otherwise outlive the servers (Azurite keeps extents in a shared store).
        await Promise.all([queue.clean(), table.clean()]);
      })()),
  };
}
