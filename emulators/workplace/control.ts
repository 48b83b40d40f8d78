import { IANAZone } from 'luxon';
import { z } from 'zod';
import { ApiError } from './errors';
import { faultsSchema, type FaultGate } from './faults';
import type { Room } from './model';
import { Router, type Handler, type RequestContext } from './router';
import type { Store } from './store';
import type { WebhookDispatcher } from './webhooks';

/** The control API under `/_emulator/` (no auth): seeding rooms and receivers, faults, stats, reset. */

const roomSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    email: z.email().optional(),
    capacity: z.number().int().nonnegative().optional(),
    timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone'),
  })
  .strict();

const webhookSchema = z.object({ url: z.url(), secret: z.string().min(1) }).strict();

function parse<T>(schema: z.ZodType<T>, ctx: RequestContext): T {
  let raw: unknown;
  try {
    raw = JSON.parse(ctx.rawBody.toString('utf8') || '{}') as unknown;
  } catch {
    throw new ApiError(400, 'invalid', 'The request body is not valid JSON.', '');
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ApiError(400, 'invalid', issue?.message ?? 'invalid', issue?.path.join('.') ?? '');
  }
  return result.data;
}

export interface ControlDeps {
  store: Store;
  webhooks: WebhookDispatcher;
  faults: FaultGate;
  stats: () => unknown;
  reset: () => void;
}

export function controlRouter({ store, webhooks, faults, stats, reset }: ControlDeps): Router<Handler> {
  return new Router<Handler>()
    .add('POST', '/_emulator/rooms', (ctx) => {
      const room: Room = parse(roomSchema, ctx);
      if (store.rooms.has(room.id)) throw new ApiError(409, 'exists', `Room '${room.id}' already exists.`);
      store.rooms.set(room.id, room);
      return { status: 201, body: room };
    })
    .add('POST', '/_emulator/webhooks', (ctx) => {
      const receiver = parse(webhookSchema, ctx);
      webhooks.add(receiver);
      return { status: 201, body: { url: receiver.url } };
    })
    .add('POST', '/_emulator/faults', (ctx) => {
      const parsed = parse(faultsSchema, ctx);
      faults.set(parsed);
      return { status: 200, body: parsed };
    })
    .add('DELETE', '/_emulator/faults', () => {
      faults.reset();
      return { status: 204 };
    })
    .add('GET', '/_emulator/stats', () => ({ status: 200, body: stats() }))
    .add('POST', '/_emulator/reset', () => {
      reset();
      return { status: 204 };
    });
}
