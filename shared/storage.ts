import { TableClient, TableServiceClient } from '@azure/data-tables';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import type { StorageConfig } from './config';

/** Table and queue clients for the one storage account the service uses, built from one setting. */
export interface StorageClients {
  tables: TableServiceClient;
  queues: QueueServiceClient;
  table(name: string): TableClient;
  queue(name: string): QueueClient;
}

function credentialFor(clientId: string | undefined): TokenCredential {
  // A user-assigned identity is named explicitly; otherwise the default chain finds the system-assigned
  // identity in Azure and a developer's login locally.
  return clientId ? new ManagedIdentityCredential({ clientId }) : new DefaultAzureCredential();
}

export function createStorageClients(storage: StorageConfig): StorageClients {
  let tables: TableServiceClient;
  let queues: QueueServiceClient;
  let table: (name: string) => TableClient;
  if (storage.kind === 'connectionString') {
    const options = { allowInsecureConnection: storage.allowInsecure };
    tables = TableServiceClient.fromConnectionString(storage.connectionString, options);
    queues = QueueServiceClient.fromConnectionString(storage.connectionString);
    table = (name) => TableClient.fromConnectionString(storage.connectionString, name, options);
  } else {
    const credential = credentialFor(storage.managedIdentityClientId);
    tables = new TableServiceClient(storage.tableServiceUrl, credential);
    queues = new QueueServiceClient(storage.queueServiceUrl, credential);
    table = (name) => new TableClient(storage.tableServiceUrl, name, credential);
  }
  return { tables, queues, table, queue: (name) => queues.getQueueClient(name) };
}
