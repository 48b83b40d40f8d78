import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** The parts of host.json the local host obeys, with the Functions host's defaults filled in. */
export interface HostSettings {
  routePrefix: string;
  queues: QueueSettings;
}

export interface QueueSettings {
  maxPollingIntervalMs: number;
  /** Delay before a failed message is retried. */
  visibilityTimeoutMs: number;
  batchSize: number;
  newBatchThreshold: number;
  maxDequeueCount: number;
  messageEncoding: 'base64' | 'none';
}

/** Parses a .NET TimeSpan (`[d.]hh:mm:ss[.fffffff]`) into milliseconds. */
export function parseTimeSpan(value: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/.exec(value.trim());
  if (!match) throw new Error(`"${value}" is not a TimeSpan (expected [d.]hh:mm:ss[.fff])`);
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) {
    throw new Error(`"${value}" is not a TimeSpan (hours 0-23, minutes and seconds 0-59)`);
  }
  const ms = Number(`0.${fraction || '0'}`) * 1000;
  return (
    ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Number(seconds) * 1000 +
    Math.round(ms)
  );
}

// maxPollingInterval was once a number of milliseconds; the Functions host still accepts both forms.
const duration = z.union([
  z.number().int().nonnegative(),
  z.string().transform((value, ctx) => {
    try {
      return parseTimeSpan(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
]);

const hostJsonSchema = z
  .object({
    version: z.literal('2.0'),
    extensions: z
      .object({
        http: z.object({ routePrefix: z.string().optional() }).loose().optional(),
        queues: z
          .object({
            maxPollingInterval: duration.optional(),
            visibilityTimeout: duration.optional(),
            batchSize: z.number().int().min(1).max(32).optional(),
            newBatchThreshold: z.number().int().min(0).optional(),
            maxDequeueCount: z.number().int().min(1).optional(),
            messageEncoding: z.enum(['base64', 'none']).optional(),
          })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

export type HostJson = z.input<typeof hostJsonSchema>;

/** Validates host.json content and applies the Functions host's documented defaults. */
export function parseHostJson(content: unknown): HostSettings {
  const result = hostJsonSchema.safeParse(content);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`host.json is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  const queues = result.data.extensions?.queues ?? {};
  const batchSize = queues.batchSize ?? 16;
  const maxPollingIntervalMs = queues.maxPollingInterval ?? 60_000;
  if (maxPollingIntervalMs < 100)
    throw new Error('host.json is invalid:\n  - extensions.queues.maxPollingInterval: at least 100 ms');
  return {
    routePrefix: (result.data.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, ''),
    queues: {
      maxPollingIntervalMs,
      visibilityTimeoutMs: queues.visibilityTimeout ?? 0,
      batchSize,
      // The host's default is batchSize/2 per core of the instance.
      newBatchThreshold: queues.newBatchThreshold ?? Math.floor((batchSize / 2) * availableParallelism()),
      maxDequeueCount: queues.maxDequeueCount ?? 5,
      messageEncoding: queues.messageEncoding ?? 'base64',
    },
  };
}

export function readHostJson(file: string): HostSettings {
  return parseHostJson(JSON.parse(readFileSync(file, 'utf8')));
}
