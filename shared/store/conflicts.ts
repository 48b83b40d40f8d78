import type { JsonTable } from './table';

/** A booking the sync did not write as asked, kept for the room's status and for an administrator. */
export interface ConflictRecord {
  room: string;
  at: string;
  reason: string;
  linkId: string | null;
  reservationId: string | null;
  eventId: string | null;
  /** A short human summary; no attendee addresses. */
  summary: string;
}

export class ConflictRepository {
  constructor(private readonly table: JsonTable<ConflictRecord>) {}

  /** Rows sort newest first within a room: the row key counts down from the far future. */
  async add(conflict: ConflictRecord): Promise<void> {
    const countdown = String(8_640_000_000_000_000 - Date.parse(conflict.at)).padStart(20, '0');
    await this.table.put(
      conflict.room.toLowerCase(),
      `${countdown}-${conflict.linkId ?? conflict.reservationId ?? conflict.eventId ?? ''}`,
      {
        ...conflict,
        room: conflict.room.toLowerCase(),
      },
    );
  }

  async forRoom(room: string): Promise<ConflictRecord[]> {
    return (await this.table.list(room.toLowerCase())).map((row) => row.value);
  }
}
