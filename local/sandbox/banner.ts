import path from 'node:path';
import type { RunningAzurite } from '../host/azurite';
import type { RunningHost } from '../host/host';
import { demoExamples } from './demo';
import { DEMO_ROOMS, type SandboxEmulators } from './emulators';

/** What `npm start` prints once everything runs: where each part listens, and the demo to try. */
export function bannerLines(parts: {
  host: RunningHost;
  emulators: SandboxEmulators;
  azurite: RunningAzurite | undefined;
  endpointsFile: string;
  /** Both emulators run and the demo rooms were registered. */
  demo: boolean;
  env: NodeJS.ProcessEnv;
}): string[] {
  const { host, emulators, azurite, endpointsFile, demo, env } = parts;
  return [
    'roomsync sandbox is running',
    `  Functions host  ${host.url}  (${host.app.functions.map((fn) => fn.name).join(', ')})`,
    `  Health          ${host.url}/api/health`,
    `  Status page     ${host.url}/api/status?code=<functionKey from the endpoints file>`,
    `  Graph           ${emulators.graph ? `${emulators.graph.url}  (emulator; control API under /_emulator/)` : String(env.GRAPH_BASE_URL)}`,
    `  Workplace       ${emulators.workplace ? `${emulators.workplace.url}  (emulator; API key in the endpoints file)` : String(env.WORKPLACE_BASE_URL)}`,
    `  Storage         ${azurite ? `Azurite in memory (queues ${azurite.queueEndpoint}, tables ${azurite.tableEndpoint})` : 'from AzureWebJobsStorage'}`,
    `  Endpoints file  ${path.relative(process.cwd(), endpointsFile) || endpointsFile}  (keys, rooms, people)`,
    ...(demo && emulators.graph && emulators.workplace
      ? [
          `  Rooms           ${DEMO_ROOMS.map((r) => `${r.email} <-> ${r.workplaceRoomId}`).join(', ')} (registered)`,
          '',
          ...demoExamples(emulators.graph.url, emulators.workplace.url, emulators.workplaceApiKey),
          '',
        ]
      : []),
    'Press Ctrl-C to stop.',
  ];
}
