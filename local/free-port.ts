import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A free loopback port, for a host that must know its own URL before it listens (the functions read
 * their public URL when they load). Another process could take it in between; on loopback in a sandbox
 * or a test that is rare enough, and listening then fails loudly.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
