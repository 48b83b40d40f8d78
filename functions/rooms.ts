// First: telemetry starts before the modules it instruments load.
import '../shared/telemetry/boot';
import {
  app,
  type HttpFunctionOptions,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import {
  getRoom,
  listRooms,
  registerRoom,
  resyncRoom,
  unregisterRoom,
  type AdminReply,
  type RoomAdminDeps,
} from '../shared/rooms/admin';
import { BODY_LIMITS, readBody } from '../shared/ingress/body';
import { getServices } from '../shared/runtime';

const services = getServices();

async function deps(context: InvocationContext): Promise<RoomAdminDeps> {
  return {
    store: await services.ready(),
    graph: services.graph,
    workplace: services.workplace,
    enqueueSync: services.enqueueSync,
    publicUrl: services.config.publicUrl,
    now: () => new Date(),
    correlationId: context.invocationId,
    logger: services.logger,
  };
}

const reply = ({ status, body }: AdminReply): HttpResponseInit =>
  body === undefined ? { status } : { status, jsonBody: body };

export async function roomsHandler(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const email = request.params.email;
  const d = await deps(context);
  switch (request.method) {
    case 'POST': {
      if (email)
        return {
          status: 405,
          jsonBody: { error: { code: 'methodNotAllowed', message: 'POST /api/rooms registers a room' } },
        };
      const read = await readBody(request, BODY_LIMITS.admin);
      if (!read.ok)
        return { status: read.status, jsonBody: { error: { code: 'tooLarge', message: read.error } } };
      let body: unknown;
      try {
        body = JSON.parse(read.text);
      } catch {
        return { status: 400, jsonBody: { error: { code: 'invalid', message: 'the body is not JSON' } } };
      }
      return reply(await registerRoom(body, d));
    }
    case 'DELETE':
      if (email) return reply(await unregisterRoom(email, d));
      return {
        status: 405,
        jsonBody: {
          error: { code: 'methodNotAllowed', message: 'DELETE /api/rooms/{email} unregisters a room' },
        },
      };
    default:
      return reply(email ? await getRoom(email, d) : await listRooms(d));
  }
}

export async function roomResyncHandler(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const confirm = request.query.get('confirmRemovals');
  if (confirm !== null && confirm !== 'true' && confirm !== 'false')
    return {
      status: 400,
      jsonBody: { error: { code: 'invalid', message: 'confirmRemovals must be true or false' } },
    };
  return reply(
    await resyncRoom(request.params.email ?? '', await deps(context), {
      confirmRemovals: confirm === 'true',
    }),
  );
}

// Admin operations: the function key is required (x-functions-key or ?code=).
export const rooms = {
  name: 'rooms',
  options: {
    methods: ['GET', 'POST', 'DELETE'],
    authLevel: 'function',
    route: 'rooms/{email?}',
    handler: roomsHandler,
  } satisfies HttpFunctionOptions,
};

export const roomResync = {
  name: 'roomResync',
  options: {
    methods: ['POST'],
    authLevel: 'function',
    route: 'rooms/{email}/resync',
    handler: roomResyncHandler,
  } satisfies HttpFunctionOptions,
};

app.http(rooms.name, rooms.options);
app.http(roomResync.name, roomResync.options);
