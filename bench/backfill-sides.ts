import { startChildProcess } from './child-process';

/**
 * Exchange and Workplace for the backfill scenario, in a process of their own: what they hold (every
 * room's 500 events, then the reservations made) is theirs, not the worker's, so the scenario's process
 * is the worker alone and its RSS is the worker's. The child (backfill-sides-child.ts, which alone loads
 * the emulators) starts both, seeds the rooms' calendars straight into the Graph emulator's event store
 * and sends the parent their URLs; it stops when the parent disconnects. Counters are read over HTTP
 * (`/_emulator/stats`).
 */

export interface SidesPlan {
  rooms: { email: string; workplaceRoomId: string }[];
  eventsPerRoom: number;
  /** Of each room's events, how many are weekly series of 4 occurrences (the rest single meetings). */
  seriesPerRoom: number;
}

export interface RunningSides {
  graphUrl: string;
  workplaceUrl: string;
  occurrences: number;
  seedSeconds: number;
  stop(): Promise<void>;
}

export function startSidesProcess(plan: SidesPlan): Promise<RunningSides> {
  return startChildProcess<Omit<RunningSides, 'stop'>>('backfill-sides-child.ts', 'the emulators', plan);
}
