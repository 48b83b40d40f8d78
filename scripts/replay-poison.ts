/**
 * `npm run replay-poison [-- --queue sync-changes] [--limit N] [--list]`: puts the poison messages of the
 * service's queues back on their queues, using the storage the app is configured with
 * (AzureWebJobsStorage, or its identity-based settings), and prints progress and why they had failed.
 * `--list` only shows what is there and why, taking nothing off.
 */
import { parseArgs } from 'node:util';
import { loadStorageConfig } from '../shared/config';
import { REPLAYABLE, listPoison, replayPoison } from '../shared/queue/replay';
import { createStorageClients } from '../shared/storage';
import { ensureError } from '../shared/errors';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { queue: { type: 'string' }, limit: { type: 'string' }, list: { type: 'boolean' } },
    strict: true,
  });
  if (values.queue !== undefined && !REPLAYABLE.includes(values.queue as (typeof REPLAYABLE)[number])) {
    console.error(`--queue must be one of ${REPLAYABLE.join(', ')}`);
    return 2;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    console.error('--limit must be a positive integer');
    return 2;
  }
  const storage = createStorageClients(loadStorageConfig(process.env));
  const queues = values.queue === undefined ? {} : { queues: [values.queue] };
  if (values.list) {
    for (const listing of await listPoison((name) => storage.queue(name), queues)) {
      console.log(`${listing.queue}-poison: about ${String(listing.count)} messages`);
      for (const m of listing.messages)
        console.log(
          `  ${m.insertedOn} ${m.kind ?? '?'} ${m.correlationId ?? '?'}: ${m.failure?.reason ?? '(no reason recorded)'}`,
        );
    }
    return 0;
  }
  const outcomes = await replayPoison((name) => storage.queue(name), {
    ...queues,
    ...(limit === undefined ? {} : { limit }),
    onProgress: (o) => console.log(`${o.queue}: ${String(o.replayed)} replayed so far`),
  });
  for (const o of outcomes) {
    console.log(`${o.queue}: ${String(o.replayed)} replayed`);
    for (const r of o.reasons) console.log(`  ${String(r.count)} × ${r.reason}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(ensureError(err).message);
    process.exit(1);
  },
);
