import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** `.sandbox/endpoints.json`: where everything listens and with which keys, for scripts and tests. */
export interface Endpoints {
  host: string;
  functionKey: string;
  storage: string;
  graph?: string;
  workplace?: string;
  workplaceToken?: string;
  rooms: { email: string; workplaceRoomId: string }[];
  people: string[];
}

/** Written whole or not at all (a reader never sees half a file), readable by its owner only (it holds keys). */
export function writeEndpoints(dir: string, endpoints: Endpoints): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'endpoints.json');
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
  return file;
}
