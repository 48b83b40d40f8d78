/**
 * Matching of Azure Functions route templates (ASP.NET syntax): literal segments, `{name}`, optional
 * `{name?}`, constrained `{name:int}` and a trailing catch-all `{*name}`. Literals match case-insensitively,
 * as in Azure. Templates using anything else are refused when the app loads, not at request time.
 */

export type RouteParams = Record<string, string>;
export type RouteMatcher = (path: string) => RouteParams | undefined;

const CONSTRAINTS: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  bool: /^(true|false)$/i,
  alpha: /^[a-z]+$/i,
  guid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
};

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string; optional: boolean; constraint: RegExp | undefined }
  | { kind: 'catchAll'; name: string };

function parseSegment(segment: string, template: string): Segment {
  const param = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?\}$/.exec(segment);
  if (!param) {
    if (/[{}]/.test(segment)) throw new Error(`Route "${template}": unsupported segment "${segment}"`);
    return { kind: 'literal', text: segment.toLowerCase() };
  }
  const [, star, name = '', constraintName, optional] = param;
  if (star) return { kind: 'catchAll', name };
  let constraint: RegExp | undefined;
  if (constraintName !== undefined) {
    constraint = CONSTRAINTS[constraintName];
    if (!constraint) throw new Error(`Route "${template}": unsupported constraint "${constraintName}"`);
  }
  return { kind: 'param', name, optional: optional === '?', constraint };
}

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

export function compileRoute(template: string): RouteMatcher {
  const segments = template
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => parseSegment(segment, template));
  segments.forEach((segment, index) => {
    const isLast = index === segments.length - 1;
    if (segment.kind === 'catchAll' && !isLast)
      throw new Error(`Route "${template}": a catch-all must be last`);
    if (segment.kind === 'param' && segment.optional && !isLast) {
      throw new Error(`Route "${template}": only the last parameter may be optional`);
    }
  });

  return (path) => {
    const parts = path
      .replace(/^\/+|\/+$/g, '')
      .split('/')
      .filter((part) => part !== '');
    const params: RouteParams = {};
    for (const [index, segment] of segments.entries()) {
      const part = parts[index];
      if (segment.kind === 'catchAll') {
        const rest = parts.slice(index).map(decode);
        if (rest.includes(undefined)) return undefined;
        params[segment.name] = rest.join('/');
        return params;
      }
      if (part === undefined) return segment.kind === 'param' && segment.optional ? params : undefined;
      const value = decode(part);
      if (value === undefined) return undefined;
      if (segment.kind === 'literal') {
        if (value.toLowerCase() !== segment.text) return undefined;
      } else {
        if (segment.constraint && !segment.constraint.test(value)) return undefined;
        params[segment.name] = value;
      }
    }
    return parts.length === segments.length ? params : undefined;
  };
}
