import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A port someone else listens on. Its own class so that whoever chose the port (a setting, a flag) can
 * say which setting to change, instead of Node's EADDRINUSE stack trace.
 */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly hostname: string,
    options?: ErrorOptions,
  ) {
    super(`Port ${String(port)} on ${hostname} is in use`, options);
  }
}

export function isAddressInUse(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'EADDRINUSE';
}

/** `server.listen` as a promise: the bound address, or PortInUseError when the port is taken. */
export async function listen(server: Server, port: number, hostname: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error): void => {
      reject(isAddressInUse(err) ? new PortInUseError(port, hostname, { cause: err }) : err);
    };
    server.once('error', fail);
    server.listen(port, hostname, () => {
      server.off('error', fail);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
