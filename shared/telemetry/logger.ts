import { format } from 'node:util';
import { logs, SeverityNumber, type AnyValueMap } from '@opentelemetry/api-logs';
import { redactText } from './redact';
import { currentTraceIds } from './tracing';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** `json`: one JSON object per line (machines); `pretty`: one readable line (a developer's terminal). */
  format?: 'json' | 'pretty';
  write?: (line: string) => void;
  fields?: LogFields;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Field names whose values are credentials; they are masked wherever they appear, so a careless
// `logger.info('…', { config })` cannot leak a connection string or a key. Values are masked by what
// they look like too (redact.ts), so a credential inside an error message or a URL is caught as well.
const SECRET_FIELD =
  /secret|password|token|apikey|functionkey|masterkey|accountkey|connectionstring|authorization|clientstate|^code$|^key$/i;

/** Deeper than this, a value is left out (a log line is no place for a whole object graph). */
const MAX_DEPTH = 8;

/**
 * A copy of `value` safe to write: credentials masked at any depth (in strings, error messages, stacks
 * and causes), cycles cut, bigints as text (JSON.stringify throws on both).
 */
function sanitize(value: unknown, depth = 0, ancestors: object[] = []): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.includes(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  const inner = [...ancestors, value];
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactText(value.message),
      ...(value.stack === undefined ? {} : { stack: redactText(value.stack) }),
      ...(value.cause === undefined ? {} : { cause: sanitize(value.cause, depth + 1, inner) }),
    };
  }
  if (Array.isArray(value)) return value.map((item) => sanitize(item, depth + 1, inner));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) ? '[redacted]' : sanitize(field, depth + 1, inner);
  }
  return out;
}

/** `fields` already masked. */
function prettyLine(time: string, level: LogLevel, message: string, fields: LogFields): string {
  const extras = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${time.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${message}${extras ? `  ${extras}` : ''}`;
}

const SEVERITY: Record<LogLevel, SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

let exporting = false;

/**
 * Also hands each line to OpenTelemetry's logs (Application Insights' traces, fields as custom
 * dimensions, joined to the active span): turned on by shared/telemetry/start.ts when telemetry is.
 */
export function exportLogs(on: boolean): void {
  exporting = on;
}

function toAttributes(fields: LogFields): AnyValueMap {
  const out: AnyValueMap = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : JSON.stringify(value);
  }
  return out;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const base = options.fields ?? {};
  const style = options.format ?? 'json';

  function log(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (RANK[level] < threshold) return;
    const time = new Date().toISOString();
    // Masked once, for the line and the export alike.
    const safe = sanitize({ ...base, ...fields }) as LogFields;
    const text = redactText(message);
    if (exporting) {
      logs.getLogger('roomsync').emit({
        severityNumber: SEVERITY[level],
        severityText: level.toUpperCase(),
        body: text,
        attributes: toAttributes(safe),
      });
    }
    // The trace ids join a line to its change's trace (the same ids Application Insights shows).
    const all = { ...safe, ...currentTraceIds() };
    write(
      style === 'pretty'
        ? prettyLine(time, level, text, all)
        : JSON.stringify({ time, level, msg: text, ...all }),
    );
  }

  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** Formats `console.log`-style arguments (what `context.log(...)` receives) into one message. */
export function formatArgs(args: readonly unknown[]): string {
  return format(...args);
}
