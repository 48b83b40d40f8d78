import type { JsonTable } from './table';

/** Where a room's calendarView delta sweep stands: its deltaLink and the window frozen in it. */
export interface DeltaStateRecord {
  room: string;
  deltaLink: string;
  windowStart: string;
  windowEnd: string;
  /** The newest Workplace `updatedAt` the sweep has seen for the room: its next `changedSince`. */
  workplaceSince?: string;
  /**
   * Removals the sweep withheld as too many at once (design §5: never mass-delete on a guess), and
   * whether an administrator confirmed that they are real (the next sweep then applies them).
   */
  withheldRemovals?: number;
  confirmRemovals?: boolean;
  updatedAt: string;
}

const PARTITION = 'delta';

export class DeltaStateRepository {
  constructor(private readonly table: JsonTable<DeltaStateRecord>) {}

  async get(room: string): Promise<DeltaStateRecord | undefined> {
    return (await this.table.get(PARTITION, room.toLowerCase()))?.value;
  }

  async save(state: DeltaStateRecord): Promise<void> {
    await this.table.put(PARTITION, state.room.toLowerCase(), { ...state, room: state.room.toLowerCase() });
  }

  /** Forget a room's token (expired: 410), so the next sweep starts a full round. */
  async clear(room: string): Promise<void> {
    await this.table.delete(PARTITION, room.toLowerCase());
  }
}
