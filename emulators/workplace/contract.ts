import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { ApiError, invalid } from './errors';
import { Router } from './router';

/**
 * The request side of docs/workplace-api.yaml, compiled once: the emulator refuses what the document
 * forbids, so a client that passes against it passes against the contract, not against the emulator's
 * own idea of it.
 */

export const CONTRACT_PATH = path.resolve(__dirname, '..', '..', 'docs', 'workplace-api.yaml');
const DOC_ID = 'https://workplace.emulator/api';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface ParameterDoc {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  required?: boolean;
}

interface OperationDoc {
  parameters?: ParameterDoc[];
  security?: unknown[];
  requestBody?: { required?: boolean; content?: Record<string, unknown> };
}

type PathItemDoc = Partial<Record<(typeof METHODS)[number], OperationDoc>> & { parameters?: ParameterDoc[] };

interface ApiDoc {
  security?: unknown[];
  paths: Record<string, PathItemDoc>;
}

export interface Operation {
  method: string;
  template: string;
  /** False for `security: []` (the token endpoint). */
  authenticated: boolean;
  check(input: RawRequest): { body: unknown; query: Record<string, unknown> };
}

export interface RawRequest {
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  contentType: string | undefined;
  rawBody: Buffer;
}

const pointer = (...parts: string[]): string =>
  `${DOC_ID}#/${parts.map((part) => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;

/** `/lines/0/roomId` and a missing or extra property below it, as the dotted path `lines.0.roomId`. */
function fieldOf(error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1);
  const params = error.params as { missingProperty?: unknown; additionalProperty?: unknown };
  if (error.keyword === 'required' && typeof params.missingProperty === 'string')
    parts.push(params.missingProperty);
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string')
    parts.push(params.additionalProperty);
  return parts.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

function describe(error: ErrorObject, field: string): string {
  const where = field === '' ? 'The request body' : `'${field}'`;
  if (error.keyword === 'required') return `${where} is required.`;
  if (error.keyword === 'additionalProperties') return `${where} is not allowed here.`;
  return `${where} ${error.message ?? 'is invalid'}.`;
}

/** The first error ajv reports is the innermost one (a oneOf branch's before the oneOf itself). */
function firstError(validate: ValidateFunction, rename: (field: string) => string = (f) => f): ApiError {
  const error = validate.errors?.[0];
  if (!error) return invalid('', 'The request is invalid.');
  const field = rename(fieldOf(error));
  return invalid(field, describe(error, field));
}

/** Compiling every schema up front costs about half a second; an emulator in a test uses a few. */
function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

export function loadContract(file = CONTRACT_PATH): Router<Operation> {
  const doc = parse(readFileSync(file, 'utf8')) as ApiDoc;
  // Bodies are checked as sent (defaults filled in); query and header values arrive as strings, so
  // they are coerced to the type their schema names (`limit=10` is the integer 10).
  const bodies = new Ajv2020({ strict: false, allErrors: false, useDefaults: true });
  // The document was checked against the meta-schema when `bodies` took it; once is enough.
  const params = new Ajv2020({
    strict: false,
    allErrors: false,
    useDefaults: true,
    coerceTypes: true,
    validateSchema: false,
  });
  for (const ajv of [bodies, params]) {
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: DOC_ID });
  }
  const defaultSecured = (doc.security ?? []).length > 0;
  const router = new Router<Operation>();

  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const base = ['paths', template, method];
      const declared = [
        ...(item.parameters ?? []).map((p, i) => ({
          p,
          ref: pointer('paths', template, 'parameters', String(i), 'schema'),
        })),
        ...(op.parameters ?? []).map((p, i) => ({
          p,
          ref: pointer(...base, 'parameters', String(i), 'schema'),
        })),
      ];
      const group = (where: 'query' | 'header'): (() => ValidateFunction) => {
        const mine = declared.filter(({ p }) => p.in === where);
        const key = (name: string): string => (where === 'header' ? name.toLowerCase() : name);
        return lazy(() =>
          params.compile({
            type: 'object',
            properties: Object.fromEntries(mine.map(({ p, ref }) => [key(p.name), { $ref: ref }])),
            required: mine.filter(({ p }) => p.required === true).map(({ p }) => key(p.name)),
          }),
        );
      };
      const headerNames = new Map(
        declared.filter(({ p }) => p.in === 'header').map(({ p }) => [p.name.toLowerCase(), p.name]),
      );
      const queryValidator = group('query');
      const headerValidator = group('header');
      const mediaTypes = Object.keys(op.requestBody?.content ?? {});
      const bodyValidators = new Map(
        mediaTypes.map((type) => [
          type,
          lazy(() => bodies.compile({ $ref: pointer(...base, 'requestBody', 'content', type, 'schema') })),
        ]),
      );
      const bodyRequired = op.requestBody?.required === true;

      router.add(method.toUpperCase(), template, {
        method: method.toUpperCase(),
        template,
        authenticated: op.security === undefined ? defaultSecured : op.security.length > 0,
        check(input) {
          const validateHeaders = headerValidator();
          const validateQuery = queryValidator();
          const headers: Record<string, string> = {};
          for (const name of headerNames.keys()) {
            const value = input.headers[name];
            if (value !== undefined) headers[name] = Array.isArray(value) ? (value[0] ?? '') : value;
          }
          if (!validateHeaders(headers))
            throw firstError(validateHeaders, (field) => headerNames.get(field) ?? field);
          const query: Record<string, unknown> = {};
          for (const [name, value] of input.query) if (!(name in query)) query[name] = value;
          if (!validateQuery(query)) throw firstError(validateQuery);

          if (input.rawBody.length === 0) {
            if (bodyRequired) throw invalid('', 'A request body is required.');
            return { body: undefined, query };
          }
          const mediaType = (input.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
          const validate = bodyValidators.get(mediaType)?.();
          if (!validate) {
            throw new ApiError(
              415,
              'unsupported_media_type',
              mediaTypes.length === 0
                ? 'This operation takes no request body.'
                : `Content-Type must be ${mediaTypes.join(' or ')}.`,
            );
          }
          let body: unknown;
          const text = input.rawBody.toString('utf8');
          if (mediaType === 'application/x-www-form-urlencoded') {
            body = Object.fromEntries(new URLSearchParams(text));
          } else {
            try {
              body = JSON.parse(text) as unknown;
            } catch {
              throw invalid('', 'The request body is not valid JSON.');
            }
          }
          if (!validate(body)) throw firstError(validate);
          return { body, query };
        },
      });
    }
  }
  return router;
}
