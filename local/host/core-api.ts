import Module from 'node:module';

/**
 * The local host's stand-in for `@azure/functions-core`, the module the Azure Functions Node.js worker
 * injects into the app's process. `@azure/functions` registers every `app.http` / `app.storageQueue` /
 * `app.timer` call (and every `app.hook.*`) through it, so by providing it here the local host receives
 * exactly the metadata and handlers that Azure receives: one registry, two hosts, nothing duplicated.
 * The worker injects it the same way, by answering `require('@azure/functions-core')` itself.
 */

export interface BindingInfo {
  type: string;
  direction: 'in' | 'out' | 'inout';
  name?: string;
  [option: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, BindingInfo>;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation';
export type HookCallback = (context: Record<string, unknown>) => unknown;

export interface AppRegistrations {
  functions: RegisteredFunction[];
  hooks: Record<HookName, HookCallback[]>;
}

interface Disposable {
  dispose(): void;
}

const SUPPORTED_HOOKS: readonly string[] = ['appStart', 'appTerminate', 'preInvocation', 'postInvocation'];

let collecting: AppRegistrations | undefined;
let programmingModel: unknown;

function target(what: string): AppRegistrations {
  if (!collecting) {
    throw new Error(`${what} was called outside loading the function app; register functions at module load`);
  }
  return collecting;
}

const coreApi = {
  version: 'local-functions-host',
  setProgrammingModel(model: unknown): void {
    programmingModel = model;
  },
  getProgrammingModel(): unknown {
    return programmingModel;
  },
  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    const app = target(`registering function "${metadata.name}"`);
    if (app.functions.some((fn) => fn.metadata.name.toLowerCase() === metadata.name.toLowerCase())) {
      throw new Error(`A function named "${metadata.name}" is already registered`);
    }
    const entry = { metadata, callback };
    app.functions.push(entry);
    return { dispose: () => app.functions.splice(app.functions.indexOf(entry), 1) };
  },
  registerHook(hookName: string, callback: HookCallback): Disposable {
    if (!SUPPORTED_HOOKS.includes(hookName)) {
      throw new Error(`The local host does not support "${hookName}" hooks`);
    }
    const hooks = target(`registering a ${hookName} hook`).hooks[hookName as HookName];
    hooks.push(callback);
    return { dispose: () => hooks.splice(hooks.indexOf(callback), 1) };
  },
  log(level: string, category: string, message: string): void {
    // The library's own diagnostics ("system" logs); only problems are worth a developer's attention.
    if (level === 'warning' || level === 'error' || level === 'critical') {
      process.stderr.write(`[functions ${category} ${level}] ${message}\n`);
    }
  },
};

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: ModuleLoad };
const originalLoad = moduleWithLoad._load;
moduleWithLoad._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
  if (request === '@azure/functions-core') return coreApi;
  return originalLoad.call(this, request, parent, isMain);
};

/**
 * Runs `load` (which requires the app's function modules) and returns what those modules registered.
 * Registrations made outside such a call are refused, so two hosts in one process cannot mix apps.
 */
export function collectRegistrations(load: () => void): AppRegistrations {
  if (collecting) throw new Error('A function app is already being loaded');
  const app: AppRegistrations = {
    functions: [],
    hooks: { appStart: [], appTerminate: [], preInvocation: [], postInvocation: [] },
  };
  collecting = app;
  try {
    load();
  } finally {
    collecting = undefined;
  }
  return app;
}
