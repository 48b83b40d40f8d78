/** `npm run emulator:workplace`: the Workplace emulator on its own (port 4020, or WORKPLACE_EMULATOR_PORT). */
import { startWorkplaceEmulator } from './server';

async function main(): Promise<void> {
  const raw = process.env.WORKPLACE_EMULATOR_PORT ?? '4020';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535)
    throw new Error(`WORKPLACE_EMULATOR_PORT: got ${JSON.stringify(raw)}; expected a TCP port 0-65535`);
  const emulator = await startWorkplaceEmulator({ port });
  process.stdout.write(`Workplace emulator listening on ${emulator.url}\n`);
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
