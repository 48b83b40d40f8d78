import { readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  collectRegistrations,
  type AppRegistrations,
  type FunctionCallback,
  type HookCallback,
  type HookName,
} from './core-api';

/** A function as the local host serves it: the trigger's options as `@azure/functions` registered them. */
export type FunctionDefinition = HttpFunction | QueueFunction | TimerFunction;

interface Base {
  name: string;
  callback: FunctionCallback;
  /** The trigger binding exactly as registered, handed to handlers as `context.options.trigger`. */
  binding: Record<string, unknown> & { type: string; name: string };
}

export interface HttpFunction extends Base {
  kind: 'http';
  methods: string[];
  authLevel: 'anonymous' | 'function' | 'admin';
  route: string;
}

export interface QueueFunction extends Base {
  kind: 'queue';
  queueName: string;
  connection: string;
}

export interface TimerFunction extends Base {
  kind: 'timer';
  schedule: string;
  runOnStartup: boolean;
  useMonitor: boolean;
}

export interface FunctionApp {
  functions: FunctionDefinition[];
  hooks: Record<HookName, HookCallback[]>;
}

const httpTrigger = z.object({
  type: z.literal('httpTrigger'),
  methods: z.array(z.string()).min(1),
  authLevel: z.enum(['anonymous', 'function', 'admin']),
  route: z.string().optional(),
});
const queueTrigger = z.object({
  type: z.literal('queueTrigger'),
  queueName: z.string().min(1),
  connection: z.string().optional(),
});
const timerTrigger = z.object({
  type: z.literal('timerTrigger'),
  schedule: z.string().min(1),
  runOnStartup: z.boolean().optional(),
  useMonitor: z.boolean().optional(),
});

export class FunctionAppError extends Error {
  override name = 'FunctionAppError';
}

/** `%NAME%` in trigger options is an app setting reference, resolved like the Functions host does. */
export function resolveSettingReferences(
  value: string,
  settings: Readonly<Record<string, string | undefined>>,
): string {
  return value.replace(/%([^%]+)%/g, (_match, name: string) => {
    const resolved = settings[name];
    if (resolved === undefined) throw new FunctionAppError(`App setting "${name}" is referenced but not set`);
    return resolved;
  });
}

function toDefinition(
  registered: AppRegistrations['functions'][number],
  settings: Readonly<Record<string, string | undefined>>,
): FunctionDefinition {
  const { metadata, callback } = registered;
  const entries = Object.entries(metadata.bindings);
  const unsupported = entries.filter(
    ([, binding]) =>
      !(binding.direction === 'in' && /trigger$/i.test(binding.type)) &&
      !(binding.type === 'http' && binding.direction === 'out'),
  );
  if (unsupported.length > 0) {
    const types = unsupported.map(([, binding]) => `${binding.direction} ${binding.type}`).join(', ');
    throw new FunctionAppError(
      `Function "${metadata.name}": the local host does not support bindings ${types}; use the SDK clients instead`,
    );
  }
  if (metadata.retryOptions !== undefined && metadata.retryOptions !== null) {
    throw new FunctionAppError(
      `Function "${metadata.name}": retry policies are not supported by the local host`,
    );
  }
  const triggerEntry = entries.find(([, binding]) => binding.direction === 'in');
  if (!triggerEntry) throw new FunctionAppError(`Function "${metadata.name}" has no trigger`);
  const [bindingName, raw] = triggerEntry;
  const binding = { ...raw, name: bindingName };
  const base = { name: metadata.name, callback, binding };

  switch (raw.type) {
    case 'httpTrigger': {
      const t = httpTrigger.parse(raw);
      return {
        ...base,
        kind: 'http',
        methods: t.methods.map((method) => method.toUpperCase()),
        authLevel: t.authLevel,
        route: t.route ?? metadata.name,
      };
    }
    case 'queueTrigger': {
      const t = queueTrigger.parse(raw);
      return {
        ...base,
        kind: 'queue',
        queueName: resolveSettingReferences(t.queueName, settings),
        connection: t.connection ?? 'AzureWebJobsStorage',
      };
    }
    case 'timerTrigger': {
      const t = timerTrigger.parse(raw);
      return {
        ...base,
        kind: 'timer',
        schedule: resolveSettingReferences(t.schedule, settings),
        runOnStartup: t.runOnStartup ?? false,
        useMonitor: t.useMonitor ?? true,
      };
    }
    default:
      throw new FunctionAppError(
        `Function "${metadata.name}": trigger type "${raw.type}" is not supported by the local host`,
      );
  }
}

/** The app's entry modules: every script directly in `dir`, as Azure loads `main: dist/functions/*.js`. */
export function functionModulesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts') && !/\.test\.(ts|js)$/.test(file))
    .sort()
    .map((file) => path.join(dir, file));
}

/**
 * Loads the modules (fresh, so two hosts in one process each get their own registrations) and returns the
 * functions they registered, validated, with `%SETTING%` references resolved.
 */
export function loadFunctionApp(
  modules: readonly string[],
  settings: Readonly<Record<string, string | undefined>>,
): FunctionApp {
  const registrations = collectRegistrations(() => {
    for (const file of modules) {
      const resolved = require.resolve(file);
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete require.cache[resolved];
      // Loaded at run time by path, as the Functions worker loads the app's entry files.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(resolved);
    }
  });
  return {
    functions: registrations.functions.map((registered) => toDefinition(registered, settings)),
    hooks: registrations.hooks,
  };
}
