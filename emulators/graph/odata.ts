import { GraphError, badRequest } from './errors';

/** The OData query options the emulator understands for events, parsed and checked. */
export interface QueryOptions {
  select?: Set<string>;
  top?: number;
  skip: number;
  /** `$expand=singleValueExtendedProperties($filter=id eq '…')`: the normalised ids asked for. */
  expandExtendedProperties?: string[];
  /** `$expand=exceptionOccurrences` on a series master. */
  expandExceptionOccurrences?: boolean;
  /** `$filter=singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…')`. */
  extendedPropertyFilter?: { id: string; value: string | undefined };
  /** `$filter=iCalUId eq '…'`: every copy of one meeting in a mailbox. */
  iCalUIdFilter?: string;
}

function parseInteger(name: string, raw: string | null, min: number, max: number): number | undefined {
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw badRequest(
      `Invalid value '${raw}' for query option '${name}'; expected an integer from ${min} to ${max}.`,
      'BadRequest',
    );
  }
  return value;
}

const QUOTED = "'((?:[^']|'')*)'";
const unquote = (text: string): string => text.replace(/''/g, "'");

/**
 * Parses `$select`, `$top`, `$skip`, `$expand` and `$filter`. Only the forms roomsync uses are supported;
 * any other `$filter` or `$expand` is refused with a message saying so, never silently ignored.
 */
export function parseQuery(
  query: URLSearchParams,
  selectable: ReadonlySet<string>,
  normalizeId: (id: string) => string,
): QueryOptions {
  const options: QueryOptions = { skip: parseInteger('$skip', query.get('$skip'), 0, 1_000_000) ?? 0 };
  const top = parseInteger('$top', query.get('$top'), 1, 1000);
  if (top !== undefined) options.top = top;

  const select = query.get('$select');
  if (select !== null) {
    options.select = new Set();
    for (const name of select
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const known = [...selectable].find((candidate) => candidate.toLowerCase() === name.toLowerCase());
      if (!known)
        throw new GraphError(
          400,
          'RequestBroker--ParseUri',
          `Could not find a property named '${name}' on type 'microsoft.graph.event'.`,
        );
      options.select.add(known);
    }
  }

  const expand = query.get('$expand');
  if (expand !== null) {
    for (const item of splitTopLevel(expand)) {
      if (/^exceptionOccurrences$/i.test(item)) {
        options.expandExceptionOccurrences = true;
        continue;
      }
      const match = new RegExp(
        `^singleValueExtendedProperties\\(\\$filter=id eq ${QUOTED}(?:\\s+or\\s+id eq ${QUOTED})*\\)$`,
        'i',
      ).exec(item);
      if (!match) {
        throw badRequest(
          `The emulator supports only $expand=exceptionOccurrences and singleValueExtendedProperties($filter=id eq '…'); got '${item}'.`,
          'NotSupported',
        );
      }
      options.expandExtendedProperties = [...item.matchAll(new RegExp(`id eq ${QUOTED}`, 'gi'))].map((m) =>
        normalizeId(unquote(m[1] ?? '')),
      );
    }
  }

  const filter = query.get('$filter');
  const byICalUId = filter === null ? null : new RegExp(`^iCalUId eq ${QUOTED}$`, 'i').exec(filter.trim());
  if (byICalUId) {
    options.iCalUIdFilter = unquote(byICalUId[1] ?? '');
  } else if (filter !== null) {
    const match = new RegExp(
      `^singleValueExtendedProperties/any\\((\\w+):\\s*\\1/id eq ${QUOTED}(?:\\s+and\\s+\\1/value eq ${QUOTED})?\\)$`,
      'i',
    ).exec(filter.trim());
    if (!match)
      throw badRequest(
        `The emulator supports only $filter=singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…') and $filter=iCalUId eq '…'; got '${filter}'.`,
        'NotSupported',
      );
    options.extendedPropertyFilter = {
      id: normalizeId(unquote(match[2] ?? '')),
      value: match[3] === undefined ? undefined : unquote(match[3]),
    };
  }
  return options;
}

/** Splits `a,b(c,d),e` at the commas outside parentheses and quotes. */
function splitTopLevel(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const char of value) {
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === '(') depth += 1;
    else if (!quoted && char === ')') depth -= 1;
    if (char === ',' && depth === 0 && !quoted) {
      parts.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

/** Applies `$select` to a rendered resource: Graph keeps `@odata.etag` and `id` whatever is selected. */
export function applySelect(
  resource: Record<string, unknown>,
  select: Set<string> | undefined,
): Record<string, unknown> {
  if (!select) return resource;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(resource)) {
    if (
      name === '@odata.etag' ||
      name === 'id' ||
      select.has(name) ||
      // Expanded navigation properties come back whatever $select says, as in OData.
      name === 'singleValueExtendedProperties' ||
      name === 'exceptionOccurrences'
    )
      out[name] = value;
  }
  return out;
}

/** One page of a collection and the `@odata.nextLink` to the next, as Graph pages with `$skip`. */
export function page<T>(
  items: readonly T[],
  options: QueryOptions,
  url: URL,
  defaultSize: number,
  maxPageSize?: number,
): { items: T[]; nextLink?: string } {
  const size = options.top ?? Math.min(maxPageSize ?? defaultSize, 1000);
  const slice = items.slice(options.skip, options.skip + size);
  // For Outlook resources $top is the page size; the rest follows in @odata.nextLink.
  if (options.skip + size >= items.length) return { items: slice };
  const params = new URLSearchParams(url.search);
  params.set('$skip', String(options.skip + size));
  // Graph writes system query options with a literal `$` (…/events?$top=5&$skip=5).
  const search = [...params]
    .map(([name, value]) => `${encodeURIComponent(name).replace(/^%24/, '$')}=${encodeURIComponent(value)}`)
    .join('&');
  return { items: slice, nextLink: `${url.origin}${url.pathname}?${search}` };
}
