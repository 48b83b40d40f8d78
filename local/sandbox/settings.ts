import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type Environment } from '../../shared/config';

/** Settings of the sandbox itself (not of the service): where things listen and with which keys. */
export interface SandboxSettings {
  hostPort: number;
  graphPort: number;
  workplacePort: number;
  functionKey: string;
  masterKey: string;
  sandboxDir: string;
  logFormat: 'pretty' | 'json';
}

const port = z.coerce.number().int().min(0).max(65535);

function generatedKey(): string {
  return randomBytes(24).toString('base64url');
}

export function loadSandboxSettings(env: Environment): SandboxSettings {
  const problems: string[] = [];
  const hostPortRaw = env.ROOMSYNC_HOST_PORT?.trim() || '7071';
  const hostPort = /^\d+$/.test(hostPortRaw) ? port.safeParse(hostPortRaw) : undefined;
  if (!hostPort?.success) {
    problems.push(
      `ROOMSYNC_HOST_PORT: got ${JSON.stringify(hostPortRaw)}; expected a TCP port 0-65535 (0 picks a free one); default 7071`,
    );
  }
  const portSetting = (name: string, fallback: string): number | undefined => {
    const raw = env[name]?.trim() || fallback;
    const parsed = /^\d+$/.test(raw) ? port.safeParse(raw) : undefined;
    if (parsed?.success) return parsed.data;
    problems.push(
      `${name}: got ${JSON.stringify(raw)}; expected a TCP port 0-65535 (0 picks a free one); default ${fallback}`,
    );
    return undefined;
  };
  const graphPort = portSetting('ROOMSYNC_GRAPH_PORT', '4010');
  const workplacePort = portSetting('ROOMSYNC_WORKPLACE_PORT', '4020');
  const format = env.ROOMSYNC_LOG_FORMAT?.trim() || (process.stdout.isTTY ? 'pretty' : 'json');
  if (format !== 'pretty' && format !== 'json') {
    problems.push(`ROOMSYNC_LOG_FORMAT: got ${JSON.stringify(format)}; expected pretty or json`);
  }
  const functionKey = env.ROOMSYNC_FUNCTION_KEY?.trim();
  if (functionKey !== undefined && functionKey !== '' && functionKey.length < 16) {
    problems.push(
      'ROOMSYNC_FUNCTION_KEY: too short; expected at least 16 characters, or unset for a random key',
    );
  }
  if (
    problems.length > 0 ||
    !hostPort?.success ||
    graphPort === undefined ||
    workplacePort === undefined ||
    (format !== 'pretty' && format !== 'json')
  ) {
    throw new ConfigError(problems);
  }
  return {
    hostPort: hostPort.data,
    graphPort,
    workplacePort,
    functionKey: functionKey || generatedKey(),
    masterKey: generatedKey(),
    sandboxDir: env.ROOMSYNC_SANDBOX_DIR?.trim() || '.sandbox',
    logFormat: format,
  };
}

/**
 * Copies `Values` from local.settings.json into the environment, as Core Tools does; variables already
 * set win, so a shell can override the file.
 */
export function applyLocalSettingsFile(file: string, env: Record<string, string | undefined>): void {
  if (!existsSync(file)) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${file}: not valid JSON (${(err as Error).message})`]);
  }
  const values = z
    .object({ Values: z.record(z.string(), z.string()).optional() })
    .loose()
    .safeParse(parsed);
  if (!values.success) throw new ConfigError([`${file}: "Values" must map setting names to strings`]);
  for (const [name, value] of Object.entries(values.data.Values ?? {})) {
    if (env[name] === undefined) env[name] = value;
  }
}
