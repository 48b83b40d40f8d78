import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import {
  InvocationContext,
  type LogLevel as FunctionsLogLevel,
  type TriggerMetadata,
} from '@azure/functions';
import type { HookCallback, HookName } from './core-api';
import type { FunctionDefinition } from './function-app';
import type { HostLogger } from './logger';

export interface Invoker {
  invoke(fn: FunctionDefinition, trigger: unknown, triggerMetadata?: TriggerMetadata): Promise<unknown>;
}

function logTo(logger: HostLogger, level: FunctionsLogLevel, args: unknown[]): void {
  // `context.log(...)` takes console.log's arguments, so they are formatted as console.log formats them.
  const message = format(...args);
  switch (level) {
    case 'trace':
    case 'debug':
      logger.debug(message);
      break;
    case 'information':
    case 'none':
      logger.info(message);
      break;
    case 'warning':
      logger.warn(message);
      break;
    default:
      logger.error(message);
  }
}

/**
 * Calls handlers the way the Node.js worker does: a fresh InvocationContext whose `log` goes to the host's
 * logger, preInvocation hooks (which may swap the handler or its inputs), the handler, then postInvocation
 * hooks (which may replace the result or clear the error).
 */
export function createInvoker(hooks: Record<HookName, HookCallback[]>, logger: HostLogger): Invoker {
  const appHookData: Record<string, unknown> = {};
  return {
    async invoke(fn, trigger, triggerMetadata) {
      const invocationId = randomUUID();
      const functionLogger = logger.child({ function: fn.name, invocationId });
      const invocationContext = new InvocationContext({
        invocationId,
        functionName: fn.name,
        triggerMetadata,
        options: { trigger: fn.binding },
        logHandler: (level, ...args) => logTo(functionLogger, level, args),
      });
      const hookData: Record<string, unknown> = {};
      const pre = {
        invocationContext,
        functionCallback: fn.callback,
        inputs: [trigger],
        hookData,
        appHookData,
      };
      for (const hook of hooks.preInvocation) await hook(pre);

      let result: unknown;
      let error: unknown;
      let failed = false;
      try {
        result = await pre.functionCallback(...pre.inputs, invocationContext);
      } catch (err) {
        error = err;
        failed = true;
      }
      const post = { invocationContext, inputs: pre.inputs, result, error, hookData, appHookData };
      for (const hook of hooks.postInvocation) await hook(post);
      // Rethrown as the handler threw it, Error or not, like the worker.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (failed && post.error !== undefined) throw post.error;
      return post.result;
    },
  };
}
