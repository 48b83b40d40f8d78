import { RestError, type TableClient, type TableEntityResult } from '@azure/data-tables';
import { Stale } from '../errors';

/**
 * The few table operations the repositories need, with the house rules in one place: keys escaped
 * (Graph ids hold `/` and `+`, which Table keys forbid or mangle), records kept as one JSON property so
 * their shape lives in TypeScript, and ETag conflicts turned into one error type.
 */

/** Another worker changed the row since it was read: Stale (store side); re-read and decide again. */
export function concurrentUpdate(what: string): Stale {
  return new Stale('store', 412, 'ConcurrentUpdate', `${what} was changed by another worker; re-read it`);
}

export function tableKey(value: string): string {
  // encodeURIComponent escapes `/ \ # ?` and control characters, which Table keys forbid.
  return encodeURIComponent(value);
}

interface JsonEntity {
  partitionKey: string;
  rowKey: string;
  data: string;
}

export interface Versioned<T> {
  value: T;
  etag: string;
}

const status = (err: unknown): number | undefined => (err instanceof RestError ? err.statusCode : undefined);

export class JsonTable<T> {
  constructor(
    private readonly client: TableClient,
    private readonly revive: (raw: unknown) => T = (raw) => raw as T,
  ) {}

  async ensure(): Promise<void> {
    try {
      await this.client.createTable();
    } catch (err) {
      if (status(err) !== 409) throw err;
    }
  }

  async get(partition: string, row: string): Promise<Versioned<T> | undefined> {
    try {
      const entity: TableEntityResult<JsonEntity> = await this.client.getEntity<JsonEntity>(
        tableKey(partition),
        tableKey(row),
      );
      return { value: this.revive(JSON.parse(entity.data)), etag: entity.etag };
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  async list(partition: string): Promise<Versioned<T>[]> {
    const out: Versioned<T>[] = [];
    const filter = `PartitionKey eq '${tableKey(partition).replace(/'/g, "''")}'`;
    for await (const entity of this.client.listEntities<JsonEntity>({ queryOptions: { filter } })) {
      out.push({ value: this.revive(JSON.parse(entity.data)), etag: entity.etag });
    }
    return out;
  }

  /** Writes whatever is there (idempotent). */
  async put(partition: string, row: string, value: T): Promise<string> {
    const res = await this.client.upsertEntity<JsonEntity>(
      { partitionKey: tableKey(partition), rowKey: tableKey(row), data: JSON.stringify(value) },
      'Replace',
    );
    return res.etag ?? '';
  }

  /**
   * Deletes every row of the partitions that sort before `partition` (day-partitioned tables drop their
   * old days this way); returns how many rows went.
   */
  async deletePartitionsBefore(partition: string): Promise<number> {
    const filter = `PartitionKey lt '${tableKey(partition).replace(/'/g, "''")}'`;
    let deleted = 0;
    for await (const entity of this.client.listEntities<Record<string, never>>({
      queryOptions: { filter, select: ['PartitionKey', 'RowKey'] },
    })) {
      // Keys come back as stored (already escaped): delete them as they are.
      const { partitionKey, rowKey } = entity;
      if (partitionKey === undefined || rowKey === undefined) continue;
      try {
        await this.client.deleteEntity(partitionKey, rowKey);
        deleted += 1;
      } catch (err) {
        if (status(err) !== 404) throw err;
      }
    }
    return deleted;
  }

  /** Inserts only if absent; false when a row is already there. */
  async insert(partition: string, row: string, value: T): Promise<boolean> {
    return (await this.create(partition, row, value)) !== undefined;
  }

  /** Inserts only if absent: the new row's etag, or undefined when a row is already there. */
  async create(partition: string, row: string, value: T): Promise<string | undefined> {
    try {
      const res = await this.client.createEntity<JsonEntity>({
        partitionKey: tableKey(partition),
        rowKey: tableKey(row),
        data: JSON.stringify(value),
      });
      return res.etag ?? '';
    } catch (err) {
      if (status(err) === 409) return undefined;
      throw err;
    }
  }

  /** Replaces the row read with `etag`; Stale when it changed, or went, since. */
  async replace(partition: string, row: string, value: T, etag: string): Promise<string> {
    try {
      const res = await this.client.updateEntity<JsonEntity>(
        { partitionKey: tableKey(partition), rowKey: tableKey(row), data: JSON.stringify(value) },
        'Replace',
        { etag },
      );
      return res.etag ?? '';
    } catch (err) {
      // 404: another worker deleted it, which is as much a change since the read as a new version.
      if (status(err) === 412 || status(err) === 404) throw concurrentUpdate(`${partition}/${row}`);
      throw err;
    }
  }

  /**
   * Deletes; nothing to do when already gone. With `etag`, only the version read: false when another
   * writer changed it since.
   */
  async delete(partition: string, row: string, etag?: string): Promise<boolean> {
    try {
      await this.client.deleteEntity(tableKey(partition), tableKey(row), etag ? { etag } : undefined);
      return true;
    } catch (err) {
      if (status(err) === 404) return true;
      if (etag && status(err) === 412) return false;
      throw err;
    }
  }
}
