import { randomBytes } from 'node:crypto';
import { startGraphEmulator, type GraphEmulator } from '../../emulators/graph/server';
import { startWorkplaceEmulator, type WorkplaceEmulator } from '../../emulators/workplace/server';
import { listeningOn } from './ports';

/**
 * The sandbox's stand-ins for Exchange and Workplace: both emulators, seeded with demo rooms (in both
 * systems) and people to book with, and the settings that point the service at them.
 */

export interface DemoRoom {
  email: string;
  workplaceRoomId: string;
  displayName: string;
  timeZone: string;
}

export const DEMO_ROOMS: DemoRoom[] = [
  {
    email: 'room.alpha@contoso.com',
    workplaceRoomId: 'wp-alpha',
    displayName: 'Room Alpha',
    timeZone: 'Europe/Brussels',
  },
  {
    email: 'room.beta@contoso.com',
    workplaceRoomId: 'wp-beta',
    displayName: 'Room Beta',
    timeZone: 'Europe/Brussels',
  },
];

export const DEMO_PEOPLE = [
  { email: 'ada@contoso.com', displayName: 'Ada Lovelace' },
  { email: 'grace@contoso.com', displayName: 'Grace Hopper' },
];

export interface SandboxEmulators {
  graph: GraphEmulator | undefined;
  workplace: WorkplaceEmulator | undefined;
  workplaceApiKey: string;
  webhookSecret: string;
  stop(): Promise<void>;
}

const secret = (): string => randomBytes(24).toString('base64url');

/**
 * Starts the emulators the environment does not replace (GRAPH_BASE_URL or WORKPLACE_BASE_URL set means
 * a real or separately run service) and fills `env` with the settings that reach them.
 */
export async function startSandboxEmulators(
  env: Record<string, string | undefined>,
  ports: { graph: number; workplace: number },
): Promise<SandboxEmulators> {
  let graph: GraphEmulator | undefined;
  let workplace: WorkplaceEmulator | undefined;
  const workplaceApiKey = env.WORKPLACE_API_KEY?.trim() || 'workplace-dev-key';
  const webhookSecret = env.WORKPLACE_WEBHOOK_SECRET?.trim() || secret();
  if (!env.GRAPH_BASE_URL?.trim()) {
    graph = await listeningOn('ROOMSYNC_GRAPH_PORT', ports.graph, () =>
      startGraphEmulator({ port: ports.graph }),
    );
    // Exchange's defaults would replace a room copy's subject with the organizer's name (DeleteSubject,
    // AddOrganizerToSubject); the demo rooms keep subjects, as rooms with displays usually are set up.
    for (const room of DEMO_ROOMS) {
      graph.directory.add({
        email: room.email,
        displayName: room.displayName,
        kind: 'room',
        room: { deleteSubject: false, addOrganizerToSubject: false },
      });
    }
    for (const person of DEMO_PEOPLE) graph.directory.add({ ...person, kind: 'person' });
    Object.assign(env, {
      GRAPH_BASE_URL: graph.url,
      GRAPH_AUTHORITY_HOST: graph.url,
      GRAPH_TENANT_ID: 'contoso',
      GRAPH_CLIENT_ID: 'roomsync-sandbox',
      GRAPH_CLIENT_SECRET: secret(),
    });
  }
  if (!env.WORKPLACE_BASE_URL?.trim()) {
    workplace = await listeningOn('ROOMSYNC_WORKPLACE_PORT', ports.workplace, () =>
      startWorkplaceEmulator({ port: ports.workplace, apiKey: workplaceApiKey }),
    );
    for (const room of DEMO_ROOMS) {
      workplace.addRoom({
        id: room.workplaceRoomId,
        name: room.displayName,
        email: room.email,
        timeZone: room.timeZone,
      });
    }
    Object.assign(env, {
      WORKPLACE_BASE_URL: workplace.url,
      WORKPLACE_API_KEY: workplaceApiKey,
      WORKPLACE_WEBHOOK_SECRET: webhookSecret,
    });
  }
  return {
    graph,
    workplace,
    workplaceApiKey,
    webhookSecret,
    async stop() {
      await Promise.all([graph?.stop(), workplace?.stop()]);
    },
  };
}
