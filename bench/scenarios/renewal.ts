import { randomBytes } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Report } from '../report';
import { startGraphEmulator } from '../../emulators/graph/server';
import type { RequestContext } from '../../emulators/graph/router';
import { startAzurite } from '../../local/host/azurite';
import { loadStorageConfig } from '../../shared/config';
import { GraphGateway, graphCredential } from '../../shared/graph';
import { SUBSCRIPTION_LIFETIME_MINUTES } from '../../shared/subscriptions/subscribe';
import { createStorageClients } from '../../shared/storage';
import { TABLES, createStore } from '../../shared/store';
import { tableKey } from '../../shared/store/table';
import { renewSubscriptions } from '../../shared/subscriptions/upkeep';
import { createLogger } from '../../shared/telemetry/logger';
import { startReceiver } from '../../test/helpers/notification-receiver';

const ROOMS = Number(process.env.BENCH_RENEWAL_ROOMS ?? 10_000);

/** `work` over `items`, `limit` at a time. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

type JsonRow = { partitionKey: string; rowKey: string; data: string };

/** A row as shared/store/table.ts JsonTable.put writes it. */
function jsonRow(partition: string, row: string, value: unknown): JsonRow {
  return { partitionKey: tableKey(partition), rowKey: tableKey(row), data: JSON.stringify(value) };
}

/** Inserts rows of one partition, 100 to a transaction, 4 transactions in flight. */
async function insertAll(table: TableClient, rows: JsonRow[]): Promise<void> {
  const chunks: JsonRow[][] = [];
  for (let i = 0; i < rows.length; i += 100) chunks.push(rows.slice(i, i + 100));
  await pool(chunks, 4, (chunk) =>
    table.submitTransaction(chunk.map((row): TransactionAction => ['create', row])),
  );
}

/**
 * A renewal cycle for 10,000 rooms: 10,000 subscriptions in the Graph emulator and in the store (Azurite,
 * in memory), every one an hour from expiry (inside the 24 h renewal horizon), then one run of the
 * renewal timer's pass (shared/subscriptions/upkeep.ts renewSubscriptions, the real gateway over HTTPS).
 * Graph requests are the emulator's HTTP count (a `$batch` is one).
 *
 * Seeding skips Graph's HTTP API: rooms go into the emulator's directory object and subscriptions are
 * made by calling its in-process subscription service (the validation handshake still runs, against a
 * loopback receiver), and the store is written directly. None of that is counted.
 *
 * The gateway's spacing under the subscription service's limit (500 writes per 20 s per app and tenant)
 * is turned off here: the emulator does not enforce that limit, and at 25 writes/s a 10,000-room pass
 * takes 400 s by design. The time reported is the pass without that spacing.
 */
export const scenario = {
  name: 'renewal',
  async run(report: Report): Promise<void> {
    const [azurite, graph, receiver] = await Promise.all([
      startAzurite(),
      startGraphEmulator({ port: 0 }),
      startReceiver(),
    ]);
    try {
      const clients = createStorageClients(
        loadStorageConfig({ AzureWebJobsStorage: azurite.connectionString }),
      );
      const store = createStore(clients);
      await store.ensure();
      const rooms = Array.from({ length: ROOMS }, (_, i) => `room.${String(i).padStart(5, '0')}@contoso.com`);
      const seedStart = performance.now();
      const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
      const expirationDateTime = new Date(Date.now() + SUBSCRIPTION_LIFETIME_MINUTES * 60_000).toISOString();
      const roomRows: JsonRow[] = [];
      const subscriptionRows: JsonRow[] = [];
      await pool(rooms, 32, async (email) => {
        graph.directory.add({ email, displayName: email, kind: 'room' });
        const body = {
          changeType: 'created,updated,deleted',
          resource: `users/${email}/events`,
          notificationUrl: receiver.url,
          clientState: 'bench',
          expirationDateTime,
        };
        const ctx: RequestContext = {
          method: 'POST',
          url: new URL(`${graph.url}/v1.0/subscriptions`),
          params: {},
          headers: { prefer: 'IdType="ImmutableId"' },
          rawBody: Buffer.from(JSON.stringify(body)),
          json: () => body,
        };
        const created = (await graph.subscriptions.create(ctx)).body as { id: string };
        // The rows store.rooms.save and store.subscriptions.save would write (shared/store/table.ts JsonTable).
        roomRows.push(
          jsonRow('room', email, {
            email,
            workplaceRoomId: `wp-${email}`,
            displayName: email,
            timeZone: 'UTC',
            registeredAt: new Date().toISOString(),
          }),
        );
        subscriptionRows.push(
          jsonRow('subscription', created.id, {
            id: created.id,
            room: email,
            expiresAt,
            clientState: randomBytes(16).toString('base64url'),
            createdAt: new Date().toISOString(),
          }),
        );
      });
      // One entity-group transaction per 100 rows of a partition (Table storage's limit), a few in flight:
      // 200 requests for 10,000 rooms instead of 20,000 upserts.
      await insertAll(clients.table(TABLES.rooms), roomRows);
      await insertAll(clients.table(TABLES.subscriptions), subscriptionRows);
      const seedSeconds = (performance.now() - seedStart) / 1000;
      process.stderr.write(`renewal: seeded in ${seedSeconds.toFixed(1)} s\n`);

      const gateway = new GraphGateway({
        credential: graphCredential({
          kind: 'clientSecret',
          tenantId: 'contoso',
          clientId: 'roomsync',
          clientSecret: 'bench',
          authorityHost: graph.url,
        }),
        baseUrl: graph.url,
        subscriptionWritesPer20s: Number.POSITIVE_INFINITY,
      });
      const before = graph.stats();
      const start = performance.now();
      const outcome = await renewSubscriptions({
        store,
        graph: gateway,
        enqueueSync: () => Promise.resolve(),
        publicUrl: receiver.url.replace(/\/$/, ''),
        now: () => new Date(),
        logger: createLogger({ level: 'error' }),
        correlationId: 'bench-renewal',
      });
      const seconds = (performance.now() - start) / 1000;
      const after = graph.stats();
      const requests = after.total - before.total;
      const batches = (after.byRoute['POST /$batch'] ?? 0) - (before.byRoute['POST /$batch'] ?? 0);
      const patches =
        (after.byRoute['PATCH /subscriptions/{id}'] ?? 0) -
        (before.byRoute['PATCH /subscriptions/{id}'] ?? 0);
      const renewedInStore = (await store.subscriptions.list()).filter(
        (s) => Date.parse(s.expiresAt) > Date.now() + 24 * 3_600_000,
      ).length;

      report.row('renewal: Graph requests, 10,000 rooms', requests, 'requests', { max: 500 });
      report.row('renewal: pass time, 10,000 rooms', Math.round(seconds * 10) / 10, 's');
      report.set('renewalRequestsFor10kRooms', requests);
      report.set('renewal', {
        rooms: ROOMS,
        graphRequests: requests,
        batches,
        subscriptionPatches: patches,
        seconds: Math.round(seconds * 10) / 10,
        seedSeconds: Math.round(seedSeconds * 10) / 10,
        ...outcome,
        renewedInStore,
        secondsAtTenantWriteLimit: (ROOMS / 500) * 20,
      });
      report.note(
        `renewal: ${String(ROOMS)} subscriptions due; ${String(requests)} Graph HTTP requests (${String(batches)} $batch of ≤20, ${String(patches)} PATCH /subscriptions/{id} inside), outcome ${JSON.stringify(outcome)}, ${String(renewedInStore)} renewed in the store; ${seconds.toFixed(1)} s without the gateway's spacing under 500 subscription writes/20 s (with it: ≥ ${String((ROOMS / 500) * 20)} s); seeding (not counted) ${seedSeconds.toFixed(1)} s.`,
      );
    } finally {
      await Promise.all([azurite.stop(), graph.stop(), receiver.close()]);
    }
  },
};
