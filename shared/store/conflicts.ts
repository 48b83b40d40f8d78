import type { JsonTable } from './table';
import { telemetryMetrics } from '../telemetry/metrics';

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

  /**
   * Records a conflict once: the same refusal of the same booking (a webhook delivered twice, a message
   * retried) is one row, updated with the latest time.
   */
  async add(conflict: ConflictRecord): Promise<void> {
    telemetryMetrics.conflict();
    // The reservation is the stable identity: two workers racing on one webhook each start a link of their own.
    const subject = conflict.reservationId ?? conflict.linkId ?? conflict.eventId ?? conflict.at;
    await this.table.put(conflict.room.toLowerCase(), `${conflict.reason} ${subject}`, {
      ...conflict,
      room: conflict.room.toLowerCase(),
    });
  }

  /** Takes back a record once what it reported is settled (the booking synced after all). */
  async remove(room: string, reason: string, reservationId: string): Promise<void> {
    await this.table.delete(room.toLowerCase(), `${reason} ${reservationId}`);
  }

  /** A room's conflicts, newest first. */
  async forRoom(room: string): Promise<ConflictRecord[]> {
    return (await this.table.list(room.toLowerCase()))
      .map((row) => row.value)
      .sort((a, b) => b.at.localeCompare(a.at));
  }
}
