/** `npm run emulator:graph`: the Graph emulator on its own (port 4010, or GRAPH_EMULATOR_PORT). */
import { startGraphEmulator } from './server';

async function main(): Promise<void> {
  const raw = process.env.GRAPH_EMULATOR_PORT ?? '4010';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535)
    throw new Error(`GRAPH_EMULATOR_PORT: got ${JSON.stringify(raw)}; expected a TCP port 0-65535`);
  const emulator = await startGraphEmulator({ port });
  process.stdout.write(
    `Graph emulator listening on ${emulator.url} (Graph at ${emulator.url}/v1.0, token endpoint at ${emulator.url}/{tenant}/oauth2/v2.0/token)\n`,
  );
  const stop = (): void => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
