import type { JsonTable } from './table';

/**
 * A registered room: an Exchange room mailbox linked to a Workplace room. Registration only; how its
 * sync is going is the room's status row (room-status.ts). Rows written before that split may still
 * carry `lastSyncAt` and `lastError`, which nothing reads.
 */
export interface RoomRecord {
  /** The room mailbox, lowercased. */
  email: string;
  workplaceRoomId: string;
  displayName: string;
  /** IANA. */
  timeZone: string;
  registeredAt: string;
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

  async remove(email: string): Promise<void> {
    await this.table.delete(PARTITION, email.toLowerCase());
  }
}
