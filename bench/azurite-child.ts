import { startAzurite } from '../local/host/azurite';

/** Azurite for bench/azurite-process.ts, run as that process's child. */
void (async () => {
  const azurite = await startAzurite();
  process.send?.({
    connectionString: azurite.connectionString,
    queueEndpoint: azurite.queueEndpoint,
    tableEndpoint: azurite.tableEndpoint,
  });
  const stop = (): void => {
    void azurite.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
})();
