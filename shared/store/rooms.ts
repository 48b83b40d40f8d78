import type { JsonTable } from './table';

/** A registered room: an Exchange room mailbox linked to a Workplace room, and how its sync is doing. */
export interface RoomRecord {
  /** The room mailbox, lowercased. */
  email: string;
  workplaceRoomId: string;
  displayName: string;
  /** IANA. */
  timeZone: string;
  registeredAt: string;
  lastSyncAt: string | null;
  lastError: string | null;
}

const PARTITION = 'room';

export class RoomRepository {
  constructor(private readonly table: JsonTable<RoomRecord>) {}

  async get(email: string): Promise<RoomRecord | undefined> {
    return (await this.table.get(PARTITION, email.toLowerCase()))?.value;
  }

  async list(): Promise<RoomRecord[]> {
    return (await this.table.list(PARTITION))
      .map((row) => row.value)
      .sort((a, b) => a.email.localeCompare(b.email));
  }

  /** Registers (or re-registers) a room; registering twice leaves one room. */
  async save(room: RoomRecord): Promise<void> {
    await this.table.put(PARTITION, room.email.toLowerCase(), { ...room, email: room.email.toLowerCase() });
  }

  /** Records how a sync of the room went; a room unregistered meanwhile stays unregistered. */
  async recordSync(email: string, at: Date, error: string | null): Promise<void> {
    const current = await this.table.get(PARTITION, email.toLowerCase());
    if (!current) return;
    await this.table.put(PARTITION, email.toLowerCase(), {
      ...current.value,
      lastSyncAt: at.toISOString(),
      lastError: error,
    });
  }

  async remove(email: string): Promise<void> {
    await this.table.delete(PARTITION, email.toLowerCase());
  }
}
