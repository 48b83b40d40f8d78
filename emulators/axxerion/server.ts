import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BasicAuth } from './auth';
import { Clock } from './clock';
import { addBookingRoutes } from './control-bookings';
import { ControlError, ControlRouter, type ControlReply } from './control-router';
import { addTenantRoutes } from './control-tenant';
import { FaultGate } from './faults';
import { ImportQueue } from './imports';
import { applyProfileChange, DEFAULT_PROFILE, type Profile, type ProfileChange } from './profile';
import { ReportRegistry } from './reports';
import { Stats, type StatsSnapshot } from './stats';
import { Store } from './store';
import { handleWebservice, type Reply } from './webservices';
import { OtherWriter } from './writer';

export interface AxxerionEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Changes to the default profile (a preset and fields), kept across resets. */
  profile?: ProfileChange;
  /** Source of randomness for delays, faults and the other writer (tests pass a fixed one). */
  random?: () => number;
  /** How often due import items are looked for, in ms. */
  tickMs?: number;
}

export interface AxxerionEmulator {
  /** The tenant's base URL (`https://<tenant>.axxerion.com` in real life). */
  url: string;
  port: number;
  /** `<url>/webservices/<org>/rest/functions`. */
  functionsUrl(): string;
  profile(): Profile;
  store: Store;
  stats(): StatsSnapshot;
  reset(): void;
  stop(): Promise<void>;
}

export async function startAxxerionEmulator(
  options: AxxerionEmulatorOptions = {},
): Promise<AxxerionEmulator> {
  const host = options.host ?? '127.0.0.1';
  const random = options.random ?? Math.random;
  const initialProfile = applyProfileChange(DEFAULT_PROFILE, options.profile ?? {});
  let profile = initialProfile;
  const getProfile = (): Profile => profile;
  const clock = new Clock(() => profile.clockSkewMs);
  const store = new Store({ clock, profile: getProfile, random });
  const faults = new FaultGate(random);
  const imports = new ImportQueue({ store, clock, profile: getProfile, faults, random });
  const reports = new ReportRegistry();
  reports.registerDefaults(profile.org);
  const auth = new BasicAuth();
  const stats = new Stats();
  const writer = new OtherWriter({ store, profile: getProfile, random });
  const reset = (): void => {
    profile = initialProfile;
    store.reset();
    faults.reset();
    imports.reset();
    reports.registerDefaults(profile.org);
    auth.reset();
    stats.reset();
    writer.reset();
    clock.reset();
  };
  const control = new ControlRouter();
  addBookingRoutes(control, { store, profile: getProfile });
  addTenantRoutes(control, {
    store,
    clock,
    getProfile,
    setProfile: (next) => (profile = next),
    reports,
    faults,
    imports,
    writer,
    stats,
    reset,
  });
  const deps = { store, clock, profile: getProfile, auth, faults, reports, imports, stats };

  async function answer(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname.startsWith('/_emulator/')) {
      send(res, controlReply(await controlAnswer(control, method, url, raw)));
      return;
    }
    stats.enter();
    try {
      send(res, await handleWebservice(method, url.pathname, req.headers, raw, deps));
    } finally {
      stats.leave();
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      answer(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        send(res, controlReply({ status: 500, body: { error: { code: 'internal_error', message } } }));
      });
    });
  });
  const ticker = setInterval(() => imports.tick(), options.tickMs ?? 20);
  ticker.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  return {
    url,
    port,
    functionsUrl: () => `${url}/webservices/${profile.org}/rest/functions`,
    profile: getProfile,
    store,
    stats: () => stats.read(),
    reset,
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker);
        writer.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function controlAnswer(
  router: ControlRouter,
  method: string,
  url: URL,
  raw: Buffer,
): Promise<ControlReply> {
  try {
    return await router.handle(method, url, raw);
  } catch (err) {
    if (err instanceof ControlError) return { status: err.status, body: err.body() };
    throw err;
  }
}

function controlReply(reply: ControlReply): Reply {
  return reply.body === undefined
    ? { status: reply.status, headers: {}, body: '' }
    : {
        status: reply.status,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(reply.body),
      };
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.drop === true) {
    res.destroy();
    return;
  }
  if (reply.abortAfter !== undefined) {
    // No Content-Length: the body is chunked, so the client sees the stream end before it is complete.
    res.writeHead(reply.status, reply.headers);
    res.write(reply.body.slice(0, reply.abortAfter), () => res.destroy());
    return;
  }
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}
