/**
 * The logger the host writes through, given by whoever starts it: the host has no logging of its own, so
 * its lines (a failed invocation, a retry, a message moved to poison) come out in the app's format.
 */
export type LogFields = Record<string, unknown>;

export interface HostLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): HostLogger;
}
