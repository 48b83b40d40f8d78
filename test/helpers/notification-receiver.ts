import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ValidationBehaviour = 'echo' | 'echo-encoded' | 'json' | 'fail';

export interface Receiver {
  url: string;
  /** Every notification item received, in arrival order, with the POST it came in. */
  items: { post: number; item: Record<string, unknown> }[];
  posts: number;
  validation: ValidationBehaviour;
  /** Answer this many notification POSTs with 503 before accepting. */
  failNext: number;
  close(): Promise<void>;
}

/** A notificationUrl endpoint on loopback, like roomsync's graphNotifications function but observable. */
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    items: [],
    posts: 0,
    validation: 'echo',
    failNext: 0,
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = url.searchParams.get('validationToken');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (token !== null) {
        switch (receiver.validation) {
          case 'echo':
            res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
            return;
          case 'echo-encoded':
            res.writeHead(200, { 'content-type': 'text/plain' }).end(encodeURIComponent(token));
            return;
          case 'json':
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(token));
            return;
          case 'fail':
            res.writeHead(500).end();
            return;
        }
      }
      if (receiver.failNext > 0) {
        receiver.failNext -= 1;
        res.writeHead(503).end();
        return;
      }
      receiver.posts += 1;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value: Record<string, unknown>[] };
      for (const item of body.value) receiver.items.push({ post: receiver.posts, item });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/graphNotifications?tag=t1`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}
