/** `npm run emulator:axxerion`: the Axxerion emulator on its own (port 4030, or AXXERION_EMULATOR_PORT). */
import { startAxxerionEmulator } from './server';

async function main(): Promise<void> {
  const raw = process.env.AXXERION_EMULATOR_PORT ?? '4030';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535)
    throw new Error(`AXXERION_EMULATOR_PORT: got ${JSON.stringify(raw)}; expected a TCP port 0-65535`);
  const emulator = await startAxxerionEmulator({ port });
  const profile = emulator.profile();
  // Development credentials of an in-memory emulator, printed so that a developer can paste them.
  process.stdout.write(
    [
      `Axxerion emulator listening on ${emulator.url}`,
      `  web services: ${emulator.functionsUrl()}/ (organization ${profile.org}, case-sensitive)`,
      `  HTTP Basic user: ${profile.user}  password: ${profile.password}`,
      `  ImportItem datasource: ${profile.datasource}; dates ${profile.dateFormat} in ${profile.timeZone}`,
      `  control API: ${emulator.url}/_emulator/ (see emulators/axxerion/README.md)`,
      '',
    ].join('\n'),
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
