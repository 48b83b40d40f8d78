import type { JsonTable } from './table';

/** A Graph change-notification subscription on one room's events. */
export interface SubscriptionRecord {
  id: string;
  room: string;
  expiresAt: string;
  /** The random secret Graph echoes in each notification; compared in constant time on arrival. */
  clientState: string;
  createdAt: string;
}

const PARTITION = 'subscription';

export class SubscriptionRepository {
  constructor(private readonly table: JsonTable<SubscriptionRecord>) {}

  async get(id: string): Promise<SubscriptionRecord | undefined> {
    return (await this.table.get(PARTITION, id))?.value;
  }

  async list(): Promise<SubscriptionRecord[]> {
    return (await this.table.list(PARTITION)).map((row) => row.value);
  }

  async forRoom(room: string): Promise<SubscriptionRecord[]> {
    return (await this.list()).filter((s) => s.room === room.toLowerCase());
  }

  /** Whether the room has a subscription that has not expired at `now`. */
  async hasLive(room: string, now: Date): Promise<boolean> {
    return (await this.forRoom(room)).some((s) => Date.parse(s.expiresAt) > now.getTime());
  }

  /** Those that expire before `horizon`, soonest first: the renewal timer's work list. */
  async expiringBefore(horizon: Date): Promise<SubscriptionRecord[]> {
    return (await this.list())
      .filter((s) => Date.parse(s.expiresAt) < horizon.getTime())
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  }

  async save(subscription: SubscriptionRecord): Promise<void> {
    await this.table.put(PARTITION, subscription.id, {
      ...subscription,
      room: subscription.room.toLowerCase(),
    });
  }

  async remove(id: string): Promise<void> {
    await this.table.delete(PARTITION, id);
  }
}
