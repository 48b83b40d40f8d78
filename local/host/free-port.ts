import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Below the operating systems' ephemeral ranges (Linux 32768–60999, macOS and Windows 49152–65535):
 * a port the OS picked for `listen(0)` is an ephemeral one, which any outgoing connection made before
 * we listen on it (to Azurite, to an emulator) can take as its local port; one from this range cannot.
 */
const RANGE = { low: 20_000, high: 32_000 };

function listensOn(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free loopback port, for a host that must know its own URL before it listens (the functions read
 * their public URL when they load). Another listener could still take it in between; that is rare, and
 * listening then fails loudly.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = RANGE.low + Math.floor(Math.random() * (RANGE.high - RANGE.low));
    if (await listensOn(port)) return port;
  }
  // A crowded range: the OS's own pick, ephemeral as it is.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
