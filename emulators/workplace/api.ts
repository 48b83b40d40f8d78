import type { TokenIssuer } from './auth';
import { invalid } from './errors';
import type { ReservationInput } from './model';
import { listReservations } from './listing';
import type { Handler, RequestContext } from './router';
import type { Store } from './store';

/** The contract's operations, keyed `METHOD /template`; requests reach them already checked. */

const header = (ctx: RequestContext, name: string): string | undefined => {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const param = (ctx: RequestContext, name: string): string => {
  const value = ctx.params[name];
  if (value === undefined) throw invalid(name, `Missing path parameter '${name}'.`);
  return value;
};

export function apiHandlers(store: Store, tokens: TokenIssuer): Record<string, Handler> {
  return {
    'POST /oauth/token': () => ({ status: 200, body: tokens.issue() }),
    'GET /rooms': () => ({ status: 200, body: { items: [...store.rooms.values()] } }),
    'GET /reservations': (ctx) => ({
      status: 200,
      body: listReservations(store.all(), (r) => store.occupiedBy(r), ctx.query),
    }),
    'POST /reservations': (ctx) => ({
      status: 201,
      body: store.create(ctx.body as ReservationInput, header(ctx, 'idempotency-key')),
    }),
    'GET /reservations/{id}': (ctx) => ({ status: 200, body: store.get(param(ctx, 'id')) }),
    'PUT /reservations/{id}': (ctx) => ({
      status: 200,
      // The contract check has made If-Match required.
      body: store.replace(param(ctx, 'id'), ctx.body as ReservationInput, header(ctx, 'if-match') ?? ''),
    }),
    'DELETE /reservations/{id}': (ctx) => {
      store.cancel(param(ctx, 'id'), header(ctx, 'if-match'));
      return { status: 204 };
    },
    'POST /reservations/{id}/lines/{roomId}/decline': (ctx) => ({
      status: 200,
      body: store.decline(
        param(ctx, 'id'),
        param(ctx, 'roomId'),
        (ctx.body as { reason?: string } | undefined)?.reason,
      ),
    }),
  };
}
