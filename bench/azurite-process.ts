import { fork } from 'node:child_process';
import path from 'node:path';
import type { RunningAzurite } from '../local/azurite';

/**
 * Azurite in a process of its own: in Azure, Storage is a service elsewhere, so its CPU and memory are
 * not the Functions worker's. The child (azurite-child.ts, which alone loads Azurite's code) starts
 * Azurite and sends its connection string to the parent; it stops when the parent disconnects.
 */
export function startAzuriteProcess(): Promise<RunningAzurite> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'azurite-child.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Azurite's process exited with ${String(code)}`)));
    child.once('message', (m) => {
      const { connectionString, queueEndpoint, tableEndpoint } = m as Omit<RunningAzurite, 'stop'>;
      resolve({
        connectionString,
        queueEndpoint,
        tableEndpoint,
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
