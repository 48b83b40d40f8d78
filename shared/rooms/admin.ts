import { z } from 'zod';
import type { GraphGateway } from '../graph';
import { NotFound, SideError, Unauthorized } from '../errors';
import { type SyncMessage, backfillMessage, reconcileMessage } from '../queue/messages';
import type { RoomRecord, Store } from '../store';
import { subscribeRoom } from '../subscriptions/subscribe';
import { safeText } from '../status/detect';
import type { Logger } from '../telemetry/logger';
import { redactText } from '../telemetry/redact';
import type { WorkplaceClient } from '../workplace';

/**
 * The rooms admin API (docs/admin-api.yaml): register a room (its mailbox must exist in Exchange and
 * its Workplace room in Workplace; then subscribe and backfill), list rooms with their sync status,
 * unregister (stop syncing, keep every booking), and resync.
 */

export interface RoomAdminDeps {
  store: Store;
  graph: Pick<GraphGateway, 'getMailbox' | 'createSubscription' | 'deleteSubscription'>;
  workplace: Pick<WorkplaceClient, 'listRooms'>;
  enqueueSync(message: SyncMessage): Promise<void>;
  /** The app's public base URL; Graph posts notifications under it. */
  publicUrl: string;
  now(): Date;
  correlationId: string;
  logger: Logger;
}

export interface RoomStatus {
  email: string;
  workplaceRoomId: string;
  displayName: string;
  timeZone: string;
  registeredAt: string;
  subscription: { id: string; expiresAt: string } | null;
  lastSyncAt: string | null;
  lastError: string | null;
  /**
   * Removals the room's sweep found at once and did not apply (never mass-delete on a guess), waiting
   * for an administrator's confirmation; null when none wait.
   */
  withheldRemovals: { count: number; confirm: string } | null;
  bookings: number;
  conflicts: number;
  /** Bookings left unsynced on purpose (a pattern Exchange cannot express), with why. */
  notSynced: { reservationId: string | null; reason: string; detail: string; at: string }[];
}

/** Conflict reasons that mean "not synced on purpose" rather than "synced against one side's wish". */
const NOT_SYNCED_REASONS = new Set(['unsupportedRecurrence']);

export type AdminReply = { status: number; body?: unknown };

const registration = z
  .object({
    email: z.email().transform((e) => e.toLowerCase()),
    workplaceRoomId: z.string().trim().min(1),
  })
  .strict();

const problem = (status: number, code: string, message: string): AdminReply => ({
  status,
  body: { error: { code, message } },
});

/**
 * Text from errors and records as the API shows it, masked as the status page masks it: credentials
 * (by what they look like) and every e-mail address but the room's own. The API needs the function key,
 * but its answers end up in scripts' output, tickets and chat.
 */
function shown(text: string, room?: string): string {
  return safeText(redactText(text), room ? [room] : []);
}

async function statusOf(room: RoomRecord, deps: RoomAdminDeps): Promise<RoomStatus> {
  const [subscriptions, bookings, conflicts, status, sweep] = await Promise.all([
    deps.store.subscriptions.forRoom(room.email),
    deps.store.links.countForRoom(room.email),
    deps.store.conflicts.forRoom(room.email),
    deps.store.roomStatus.get(room.email),
    deps.store.deltaState.get(room.email),
  ]);
  const withheld = sweep?.confirmRemovals === true ? 0 : (sweep?.withheldRemovals ?? 0);
  const lastError =
    status?.lastError && (!status.lastSync || status.lastError.at > status.lastSync.at)
      ? status.lastError.reason
      : null;
  const latest = subscriptions.sort((a, b) => b.expiresAt.localeCompare(a.expiresAt))[0];
  return {
    ...room,
    lastSyncAt: status?.lastSync?.at ?? null,
    lastError: lastError === null ? null : shown(lastError, room.email),
    withheldRemovals:
      withheld > 0
        ? {
            count: withheld,
            confirm: `POST /api/rooms/${encodeURIComponent(room.email)}/resync?confirmRemovals=true`,
          }
        : null,
    subscription: latest ? { id: latest.id, expiresAt: latest.expiresAt } : null,
    bookings,
    conflicts: conflicts.filter((c) => !NOT_SYNCED_REASONS.has(c.reason)).length,
    notSynced: conflicts
      .filter((c) => NOT_SYNCED_REASONS.has(c.reason))
      .map((c) => ({
        reservationId: c.reservationId,
        reason: c.reason,
        detail: shown(c.summary, room.email),
        at: c.at,
      })),
  };
}

export async function registerRoom(input: unknown, deps: RoomAdminDeps): Promise<AdminReply> {
  const parsed = registration.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return problem(
      400,
      'invalid',
      `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}; expected { "email", "workplaceRoomId" }`,
    );
  }
  const { email, workplaceRoomId } = parsed.data;
  const existing = await deps.store.rooms.get(email);
  if (existing && existing.workplaceRoomId !== workplaceRoomId) {
    return problem(
      409,
      'alreadyRegistered',
      `${email} is registered to Workplace room ${existing.workplaceRoomId}; unregister it first`,
    );
  }
  try {
    await deps.graph.getMailbox(email);
  } catch (err) {
    if (err instanceof NotFound) return problem(404, 'mailboxNotFound', `Exchange has no mailbox ${email}`);
    if (err instanceof Unauthorized)
      return problem(
        403,
        'mailboxNotAllowed',
        `roomsync may not read the calendar of ${email}: add the room to the app's Exchange scope (docs/deploy.md)`,
      );
    throw err;
  }
  let workplaceRoom;
  try {
    workplaceRoom = (await deps.workplace.listRooms()).find((r) => r.id === workplaceRoomId);
  } catch (err) {
    if (err instanceof SideError && err.side === 'workplace')
      return problem(
        502,
        'workplaceUnavailable',
        `Workplace did not list its rooms: ${shown(err.message, email)}`,
      );
    throw err;
  }
  if (!workplaceRoom)
    return problem(404, 'workplaceRoomNotFound', `Workplace has no room ${workplaceRoomId}`);

  const room: RoomRecord = existing ?? {
    email,
    workplaceRoomId,
    displayName: workplaceRoom.name,
    timeZone: workplaceRoom.timeZone,
    registeredAt: deps.now().toISOString(),
  };
  await deps.store.rooms.save(room);
  if (!(await deps.store.subscriptions.hasLive(email, deps.now()))) {
    try {
      await subscribeRoom(email, deps);
    } catch (err) {
      if (!(err instanceof SideError && err.side === 'exchange')) throw err;
      deps.logger.error('Could not subscribe to the room', {
        room: email,
        correlationId: deps.correlationId,
        error: err.message,
      });
      return problem(
        502,
        'subscriptionFailed',
        `Graph refused the subscription for ${email}: ${shown(err.message, email)}`,
      );
    }
  }
  await deps.enqueueSync(backfillMessage(deps.correlationId, email));
  deps.logger.info(existing ? 'Room registered again' : 'Room registered', {
    room: email,
    workplaceRoomId,
    correlationId: deps.correlationId,
  });
  return { status: existing ? 200 : 201, body: await statusOf(room, deps) };
}

export async function listRooms(deps: RoomAdminDeps): Promise<AdminReply> {
  const rooms = await deps.store.rooms.list();
  return { status: 200, body: { items: await Promise.all(rooms.map((room) => statusOf(room, deps))) } };
}

export async function getRoom(email: string, deps: RoomAdminDeps): Promise<AdminReply> {
  const room = await deps.store.rooms.get(email);
  return room
    ? { status: 200, body: await statusOf(room, deps) }
    : problem(404, 'roomNotFound', `${email} is not registered`);
}

/** Stops syncing the room: its subscriptions go, its bookings and links stay. */
export async function unregisterRoom(email: string, deps: RoomAdminDeps): Promise<AdminReply> {
  const room = await deps.store.rooms.get(email);
  if (!room) return problem(404, 'roomNotFound', `${email} is not registered`);
  for (const subscription of await deps.store.subscriptions.forRoom(email)) {
    await deps.graph.deleteSubscription(email, subscription.id);
    await deps.store.subscriptions.remove(subscription.id);
  }
  await deps.store.rooms.remove(email);
  // Its status row would otherwise greet the room again, stale, if it is registered anew.
  await deps.store.roomStatus.remove(email);
  deps.logger.info('Room unregistered', { room: room.email, correlationId: deps.correlationId });
  return { status: 204 };
}

export async function resyncRoom(
  email: string,
  deps: RoomAdminDeps,
  options: { confirmRemovals?: boolean } = {},
): Promise<AdminReply> {
  const room = await deps.store.rooms.get(email);
  if (!room) return problem(404, 'roomNotFound', `${email} is not registered`);
  if (options.confirmRemovals) {
    // An administrator says the removals a sweep withheld are real: the next sweep applies them.
    const state = await deps.store.deltaState.get(room.email);
    if (!state?.withheldRemovals)
      return problem(409, 'nothingWithheld', `no removals are withheld for ${room.email}`);
    await deps.store.deltaState.save({ ...state, confirmRemovals: true });
    await deps.enqueueSync(reconcileMessage(deps.correlationId, room.email));
    return { status: 202, body: { room: room.email, queued: 'reconcile' } };
  }
  await deps.enqueueSync(backfillMessage(deps.correlationId, room.email));
  return { status: 202, body: { room: room.email, queued: 'backfill' } };
}
