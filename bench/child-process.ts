import { fork } from 'node:child_process';
import path from 'node:path';

/**
 * Starts a bench helper (`script`, beside this file) in a process of its own, sends it `input` if any,
 * and resolves with the first message it sends back (what it started, e.g. its URLs) and a `stop` that
 * ends it. The child stops itself when the parent disconnects, so a bench that dies leaves nothing behind.
 */
export function startChildProcess<Ready extends object>(
  script: string,
  what: string,
  input?: unknown,
): Promise<Ready & { stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, script), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${what}'s process exited with ${String(code)}`)));
    child.once('message', (ready) => {
      resolve({
        ...(ready as Ready),
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    if (input !== undefined) child.send(input as object);
  });
}
