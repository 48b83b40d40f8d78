import { randomBytes } from './entropy';
import { DateTime } from 'luxon';
import type { Directory, DirectoryUser } from './directory';
import { GraphError, badRequest } from './errors';
import type { StoredEvent } from './event-model';
import { SELECTABLE, type EventStore } from './events';
import { encodeId } from './ids';
import { applySelect, page, parseQuery } from './odata';
import { readPreferences, type Preferences } from './prefer';
import type { Reply, RequestContext, Router } from './router';

/** One item of a calendar view: a single instance, an occurrence or an exception. */
export interface ViewItem {
  /** Internal key; encoded into the id the client sees. */
  key: string;
  changeKey: string;
  start: DateTime;
  end: DateTime;
  render(prefs: Preferences): Record<string, unknown>;
}

/** Expands one stored event into the view items overlapping [from, to). Series plug in here. */
export type Expander = (event: StoredEvent, from: DateTime, to: DateTime) => ViewItem[];

const MAX_RANGE_DAYS = 1825;

/** `startDateTime` / `endDateTime`: read by their own offset (none = UTC), never by Prefer's zone. */
export function readWindow(query: URLSearchParams): { from: DateTime; to: DateTime } {
  const start = query.get('startDateTime') ?? query.get('StartDateTime');
  const end = query.get('endDateTime') ?? query.get('EndDateTime');
  if (!start || !end) {
    throw badRequest(
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      'ErrorInvalidParameter',
    );
  }
  const from = DateTime.fromISO(start, { zone: 'utc', setZone: false });
  const to = DateTime.fromISO(end, { zone: 'utc', setZone: false });
  if (!from.isValid || !to.isValid)
    throw badRequest('StartDateTime and EndDateTime must be ISO 8601 date-times.', 'ErrorInvalidParameter');
  if (to <= from)
    throw badRequest('The parameter EndDateTime must be later than StartDateTime.', 'ErrorInvalidParameter');
  if (to.diff(from, 'days').days > MAX_RANGE_DAYS) {
    throw badRequest(
      `The time range of the request exceeds the maximum of ${MAX_RANGE_DAYS} days.`,
      'ErrorInvalidRequest',
    );
  }
  return { from: from.toUTC(), to: to.toUTC() };
}

interface DeltaState {
  mailboxId: string;
  from: DateTime;
  to: DateTime;
  /** What the client has been told: item key -> changeKey. */
  known: Map<string, string>;
  /** Items still to page out in the round this token continues, or undefined for a deltaLink. */
  remaining?: Record<string, unknown>[];
  /** The snapshot the deltaLink at the end of this round will carry. */
  next?: Map<string, string>;
}

/**
 * calendarView and calendarView/delta. Delta tokens freeze the window they were made with; items that
 * leave the window or the calendar come back as `@removed`; the control API can expire every token (410),
 * as Exchange's sync state does when it is evicted.
 */
export class CalendarView {
  private readonly tokens = new Map<string, DeltaState>();

  constructor(
    private readonly directory: Directory,
    private readonly store: EventStore,
    private readonly expand: Expander,
  ) {}

  items(mailbox: DirectoryUser, from: DateTime, to: DateTime): ViewItem[] {
    return this.store
      .inMailbox(mailbox)
      .flatMap((event) => this.expand(event, from, to))
      .sort((a, b) => a.start.toMillis() - b.start.toMillis() || a.key.localeCompare(b.key));
  }

  list(ctx: RequestContext): Reply {
    const mailbox = this.directory.mailbox(ctx.params.user ?? '');
    const prefs = readPreferences(ctx.headers);
    const { from, to } = readWindow(ctx.url.searchParams);
    const query = parseQuery(ctx.url.searchParams, SELECTABLE, (id) => id);
    const all = this.items(mailbox, from, to);
    const { items, nextLink } = page(all, query, ctx.url, 10, prefs.maxPageSize);
    return {
      status: 200,
      body: {
        '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${mailbox.email}')/calendarView`,
        value: items.map((item) => applySelect(item.render(prefs), query.select)),
        ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
      },
    };
  }

  delta(ctx: RequestContext): Reply {
    const mailbox = this.directory.mailbox(ctx.params.user ?? '');
    const prefs = readPreferences(ctx.headers);
    const skipToken = ctx.url.searchParams.get('$skiptoken');
    const deltaToken = ctx.url.searchParams.get('$deltatoken');
    const token = skipToken ?? deltaToken;
    let state: DeltaState;
    if (token === null) {
      const { from, to } = readWindow(ctx.url.searchParams);
      state = { mailboxId: mailbox.id, from, to, known: new Map() };
    } else {
      const found = this.tokens.get(token);
      if (!found || found.mailboxId !== mailbox.id) {
        throw new GraphError(
          410,
          'SyncStateNotFound',
          'The sync state generation is not found. Restart the sync without a token.',
        );
      }
      state = found;
      this.tokens.delete(token);
    }
    if (!state.remaining) {
      // A new round: everything in the window whose changeKey the client does not have, then what left.
      const current = new Map(this.items(mailbox, state.from, state.to).map((item) => [item.key, item]));
      const changed = [...current.values()]
        .filter((item) => state.known.get(item.key) !== item.changeKey)
        .map((item) => item.render(prefs));
      const removed = [...state.known.keys()]
        .filter((key) => !current.has(key))
        .map((key) => ({
          '@odata.type': '#microsoft.graph.event',
          id: encodeId(key, prefs.idType),
          '@removed': { reason: 'deleted' },
        }));
      state = {
        ...state,
        remaining: [...changed, ...removed],
        next: new Map([...current.values()].map((item) => [item.key, item.changeKey])),
      };
    }
    const size = prefs.maxPageSize ?? 10;
    const pageItems = state.remaining?.slice(0, size) ?? [];
    const rest = state.remaining?.slice(size) ?? [];
    const newToken = randomBytes(18).toString('base64url');
    const base = `${ctx.url.origin}${ctx.url.pathname}`;
    let link: Record<string, string>;
    if (rest.length > 0) {
      this.tokens.set(newToken, { ...state, remaining: rest });
      link = { '@odata.nextLink': `${base}?$skiptoken=${newToken}` };
    } else {
      this.tokens.set(newToken, {
        mailboxId: state.mailboxId,
        from: state.from,
        to: state.to,
        known: state.next ?? state.known,
      });
      link = { '@odata.deltaLink': `${base}?$deltatoken=${newToken}` };
    }
    return {
      status: 200,
      body: {
        '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#Collection(event)`,
        ...link,
        value: pageItems,
      },
    };
  }

  /** Forgets every delta token, or one mailbox's. */
  expire(mailbox?: DirectoryUser): number {
    let count = 0;
    for (const [token, state] of this.tokens) {
      if (!mailbox || state.mailboxId === mailbox.id) {
        this.tokens.delete(token);
        count += 1;
      }
    }
    return count;
  }

  clear(): void {
    this.tokens.clear();
  }
}

export function registerCalendarViewRoutes(router: Router, view: CalendarView): void {
  for (const base of ['/users/{user}/calendarView', '/users/{user}/calendar/calendarView']) {
    router.add('GET', base, (ctx) => view.list(ctx)).add('GET', `${base}/delta`, (ctx) => view.delta(ctx));
  }
}
