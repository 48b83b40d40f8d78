import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `server.listen` as a promise: the bound address. */
export async function listen(server: Server, port: number, hostname: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
