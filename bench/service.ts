import type { ReservationWrite } from '../shared/workplace';
import { createLogger, type LogLevel } from '../shared/telemetry/logger';
import { startAzuriteProcess } from './azurite-process';
import { startServiceHost, type ServiceHost } from '../test/helpers/service-host';

/** The functions a change goes through both ways: ingress from each side, registration, the sync worker. */
export const SYNC_PIPELINE = ['graph-notifications', 'workplace-webhook', 'rooms', 'sync-worker'];

/**
 * The service's real functions on the local host with Azurite and both emulators, as
 * test/helpers/service-host.ts's startServiceHost sets them up (same settings, host.json and emulator
 * options), except that Azurite runs in a process of its own (Storage is not in the worker's process in
 * Azure) and the host's own log is at ROOMSYNC_LOG_LEVEL (info in `npm run bench`, as in production)
 * and counted rather than kept, since formatting a debug line per request is not what production pays.
 */
export async function startBenchService(
  functions: string[],
): Promise<ServiceHost & { hostLogLines(): number }> {
  let lines = 0;
  const level = (process.env['ROOMSYNC_LOG_LEVEL'] ?? 'info') as LogLevel;
  const service = await startServiceHost(functions, {
    startStorage: startAzuriteProcess,
    hostLogger: createLogger({
      level,
      write: () => {
        lines += 1;
      },
    }),
  });
  return { ...service, hostLogLines: () => lines };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds with 0.1 ms precision. */
export const round1 = (ms: number): number => Math.round(ms * 10) / 10;

/** A one-room Workplace reservation Grace makes, as the scenarios book them. */
export function graceBooks(
  roomId: string,
  subject: string,
  start: string,
  end: string,
  timeZone = 'UTC',
): ReservationWrite {
  return {
    subject,
    start,
    end,
    timeZone,
    responsible: { email: 'grace@contoso.com', name: 'Grace Hopper' },
    participants: [],
    lines: [{ roomId, status: 'confirmed' }],
    recurrence: null,
    exceptions: [],
  };
}
