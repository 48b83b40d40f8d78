import { startChildProcess } from './child-process';
import type { RunningAzurite } from '../local/host/azurite';

/**
 * Azurite in a process of its own: in Azure, Storage is a service elsewhere, so its CPU and memory are
 * not the Functions worker's. The child (azurite-child.ts, which alone loads Azurite's code) starts
 * Azurite and sends its connection string to the parent; it stops when the parent disconnects.
 */
export function startAzuriteProcess(): Promise<RunningAzurite> {
  return startChildProcess<Omit<RunningAzurite, 'stop'>>('azurite-child.ts', 'Azurite');
}
