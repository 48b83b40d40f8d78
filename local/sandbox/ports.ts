import { isAddressInUse, PortInUseError } from '../host/listen';

/**
 * A port the sandbox was told to use is taken. Its message is the one line the developer needs (which
 * setting to change), printed without a stack trace.
 */
export class PortTakenError extends Error {
  override name = 'PortTakenError';
}

/** `configured` is the setting's value: 0 means the sandbox picked `port` as free and lost it in a race. */
export function portTakenMessage(setting: string, configured: number, port: number): string {
  return configured === 0
    ? `Port ${String(port)}, picked as free for ${setting}, was taken before it could be used: start again`
    : `Port ${String(port)} is in use: set ${setting} to another port, or 0 for a free one`;
}

/** Runs `start` (which listens on `configured`), turning "address in use" into a PortTakenError naming `setting`. */
export async function listeningOn<T>(
  setting: string,
  configured: number,
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (err) {
    if (!(err instanceof PortInUseError) && !isAddressInUse(err)) throw err;
    // The host reports the port it tried (picked as free when configured as 0); an emulator, the one it was given.
    const port = err instanceof PortInUseError ? err.port : configured;
    throw new PortTakenError(portTakenMessage(setting, configured, port), { cause: err });
  }
}
