import type { z } from 'zod';
import type { ReservationBody } from '../mapping/reservation';
import { tokenProvider, type TokenProvider, type WorkplaceAuth } from './auth';
import {
  NotFound,
  Refused,
  RoomConflict,
  SideError,
  SideFailure,
  Stale,
  Throttled,
  Unauthorized,
  Unavailable,
  UnexpectedAnswer,
} from './errors';
import { DEFAULT_RETRY, backoffMs, isRetryableStatus, retryAfterMs, type RetryPolicy } from './retry';
import {
  errorSchema,
  reservationPageSchema,
  reservationSchema,
  roomListSchema,
  type Reservation,
  type Room,
} from './schemas';
import { callOutcome, telemetryMetrics } from '../telemetry/metrics';

/** A reservation as roomsync writes it (POST / PUT): the mapped body and the link's bookkeeping. */
export type ReservationWrite = ReservationBody & {
  source?: 'workplace' | 'exchange';
  externalRef?: string | null;
};

export interface ReservationQuery {
  roomId?: string;
  from?: Date;
  to?: Date;
  changedSince?: Date;
  /** Page size, 1–200. */
  limit?: number;
}

export interface WorkplaceClientOptions {
  baseUrl: string;
  auth: WorkplaceAuth;
  retry?: Partial<RetryPolicy>;
  /** Per try; a try that takes longer counts as no answer and is retried. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface Call<T> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  schema?: z.ZodType<T>;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The Workplace reservation API (docs/workplace-api.yaml), typed, with bounded retries. */
export class WorkplaceClient {
  private readonly tokens: TokenProvider;
  private readonly policy: RetryPolicy;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly baseUrl: string;

  constructor(options: WorkplaceClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.tokens = tokenProvider(options.auth, this.fetchImpl);
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? sleepFor;
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async listRooms(): Promise<Room[]> {
    return (await this.call({ method: 'GET', path: '/rooms', schema: roomListSchema })).items;
  }

  getReservation(id: string): Promise<Reservation> {
    return this.call({
      method: 'GET',
      path: `/reservations/${encodeURIComponent(id)}`,
      schema: reservationSchema,
    });
  }

  /** Creates; a retry after a lost answer returns the first reservation, thanks to `idempotencyKey`. */
  createReservation(body: ReservationWrite, idempotencyKey: string): Promise<Reservation> {
    return this.call({
      method: 'POST',
      path: '/reservations',
      body,
      headers: { 'idempotency-key': idempotencyKey },
      schema: reservationSchema,
    });
  }

  /** Replaces version `version`; Stale when Workplace holds a newer one. */
  replaceReservation(id: string, body: ReservationWrite, version: number): Promise<Reservation> {
    return this.call({
      method: 'PUT',
      path: `/reservations/${encodeURIComponent(id)}`,
      body,
      headers: { 'if-match': String(version) },
      schema: reservationSchema,
    });
  }

  async cancelReservation(id: string, version?: number): Promise<void> {
    await this.call({
      method: 'DELETE',
      path: `/reservations/${encodeURIComponent(id)}`,
      ...(version === undefined ? {} : { headers: { 'if-match': String(version) } }),
    });
  }

  declineLine(id: string, roomId: string, reason?: string): Promise<Reservation> {
    return this.call({
      method: 'POST',
      path: `/reservations/${encodeURIComponent(id)}/lines/${encodeURIComponent(roomId)}/decline`,
      body: reason === undefined ? {} : { reason },
      schema: reservationSchema,
    });
  }

  /** Every reservation the query matches, page after page. */
  async *listReservations(query: ReservationQuery = {}): AsyncGenerator<Reservation> {
    let cursor: string | undefined;
    do {
      const page = await this.call({
        method: 'GET',
        path: '/reservations',
        query: {
          roomId: query.roomId,
          from: query.from?.toISOString(),
          to: query.to?.toISOString(),
          changedSince: query.changedSince?.toISOString(),
          limit: query.limit === undefined ? undefined : String(query.limit),
          cursor,
        },
        schema: reservationPageSchema,
      });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  /** Reservations changed after `since` (cancelled ones included), for the reconcile sweep. */
  changedSince(since: Date, query: Omit<ReservationQuery, 'changedSince'> = {}): AsyncGenerator<Reservation> {
    return this.listReservations({ ...query, changedSince: since });
  }

  private async call<T = undefined>(call: Call<T>): Promise<T> {
    const url = new URL(`${this.baseUrl}${call.path}`);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    let reauthorized = false;
    for (let attempt = 1; ; attempt += 1) {
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          method: call.method,
          headers: {
            authorization: `Bearer ${await this.tokens.token()}`,
            accept: 'application/json',
            ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...call.headers,
          },
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        if (err instanceof SideError) throw err;
        telemetryMetrics.call('workplace', 'failed');
        // No answer: the request may or may not have been done, which is why writes carry
        // Idempotency-Key or If-Match and are safe to send again.
        if (attempt >= this.policy.maxAttempts) {
          throw new Unavailable(
            'workplace',
            0,
            'noAnswer',
            `Workplace did not answer ${call.method} ${call.path} after ${String(attempt)} tries: ${String(err)}`,
          );
        }
        await this.sleep(backoffMs(this.policy, attempt, undefined, this.random));
        continue;
      }
      telemetryMetrics.call('workplace', callOutcome(res.status, res.headers.has('retry-after')));
      if (res.ok) return this.read(res, call);
      if (res.status === 401 && !reauthorized) {
        // A token can be revoked before it expires: fetch a new one, once.
        reauthorized = true;
        this.tokens.invalidate();
        attempt -= 1;
        continue;
      }
      const wait = retryAfterMs(res.headers.get('retry-after'));
      // A wait longer than the policy allows is handed back (Throttled) rather than held in a worker.
      const waitable = wait === undefined || wait <= this.policy.maxDelayMs;
      if (isRetryableStatus(res.status) && waitable && attempt < this.policy.maxAttempts) {
        await res.body?.cancel();
        await this.sleep(backoffMs(this.policy, attempt, wait, this.random));
        continue;
      }
      throw await this.failure(res, call, wait);
    }
  }

  private async read<T>(res: Response, call: Call<T>): Promise<T> {
    if (!call.schema) {
      await res.body?.cancel();
      return undefined as T;
    }
    const parsed = call.schema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UnexpectedAnswer(
        'workplace',
        res.status,
        'unexpectedResponse',
        `${call.method} ${call.path}: the answer breaks the contract at ${(issue?.path ?? []).join('.') || 'the body'}: ${issue?.message ?? ''}`,
      );
    }
    return parsed.data;
  }

  private async failure<T>(res: Response, call: Call<T>, wait: number | undefined): Promise<SideError> {
    const body = errorSchema.safeParse(await res.json().catch(() => undefined));
    const code = body.success ? body.data.error.code : String(res.status);
    const message = `${call.method} ${call.path}: ${body.success ? body.data.error.message : `HTTP ${String(res.status)}`}`;
    switch (res.status) {
      case 400:
        return new Refused(
          'workplace',
          res.status,
          code,
          message,
          body.success ? body.data.error.field : undefined,
        );
      case 401:
      case 403:
        return new Unauthorized('workplace', res.status, code, message);
      case 404:
        return new NotFound('workplace', res.status, code, message);
      case 409:
        return new RoomConflict('workplace', res.status, code, message);
      case 412:
        return new Stale('workplace', res.status, code, message);
      case 429:
        return new Throttled('workplace', res.status, code, message, wait);
      default:
        return res.status >= 500
          ? new Unavailable('workplace', res.status, code, message)
          : new SideFailure('workplace', res.status, code, message);
    }
  }
}
