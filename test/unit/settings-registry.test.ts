/**
 * The settings registry (shared/config/settings.ts) against what reads it: the README's table is what
 * `npm run docs:settings` generates from it, loadConfig loads every variant it declares and names every
 * setting it requires, and the per-setting messages say which setting is wrong.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, loadStorageConfig, loadTelemetryConfig } from '../../shared/config';
import { selectVariants } from '../../shared/config/load';
import { DIMENSION_NAMES, allVariants, readIn, requiredIn, type Variants } from '../../shared/config/setting';
import { DIMENSIONS, SETTINGS } from '../../shared/config/settings';
import { README, settingsTable, withSettingsTable } from '../../scripts/settings-docs';

const ROOT = path.join(__dirname, '..', '..');

/** Every .ts file under `dir`, at any depth (local/ is being split into folders). */
function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** A valid value of each setting (GRAPH_AUTH is set per variant). */
const EXAMPLES: Record<string, string> = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  AzureWebJobsStorage__accountName: 'roomsyncst',
  AzureWebJobsStorage__queueServiceUri: 'https://q.example/',
  AzureWebJobsStorage__tableServiceUri: 'https://t.example/',
  AzureWebJobsStorage__clientId: '00000000-0000-0000-0000-000000000001',
  GRAPH_BASE_URL: 'https://graph.microsoft.com',
  GRAPH_AUTH: 'clientSecret',
  GRAPH_TENANT_ID: 'contoso',
  GRAPH_CLIENT_ID: 'roomsync',
  GRAPH_AUTHORITY_HOST: 'https://127.0.0.1:4010',
  GRAPH_CLIENT_SECRET: 'graph-secret-value',
  GRAPH_CLIENT_CERTIFICATE_PATH: '/secrets/roomsync.pem',
  WORKPLACE_BASE_URL: 'https://workplace.example.com/api',
  WORKPLACE_WEBHOOK_SECRET: 'webhook-secret-0123456789',
  WORKPLACE_API_KEY: 'workplace-api-key',
  WORKPLACE_TOKEN_URL: 'https://workplace.example.com/oauth/token',
  WORKPLACE_CLIENT_ID: 'roomsync',
  WORKPLACE_CLIENT_SECRET: 'workplace-client-secret',
  ROOMSYNC_PUBLIC_URL: 'https://roomsync.example.com',
  ROOMSYNC_SYNC_HORIZON_DAYS: '90',
  ROOMSYNC_ROOM_CHECK_DELAY_SECONDS: '60',
  ROOMSYNC_LOG_LEVEL: 'debug',
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.in.applicationinsights.azure.com/',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD',
};

/** The settings `variants` reads, with example values, and GRAPH_AUTH naming its Graph variant. */
function environmentFor(variants: Variants, keep: (name: string) => boolean = () => true) {
  const env: Record<string, string> = {};
  for (const s of SETTINGS) {
    if (!readIn(s, variants) || !keep(s.name)) continue;
    const example = EXAMPLES[s.name];
    assert.ok(example !== undefined, `give ${s.name} an example in EXAMPLES`);
    env[s.name] = example;
  }
  env.GRAPH_AUTH = variants.graphAuth;
  return env;
}

const SELECTING = new Set(DIMENSION_NAMES.flatMap((d) => DIMENSIONS[d].selectedBy.map((s) => s.name)));

function describeVariants(v: Variants): string {
  return `${v.graphAuth}, ${v.workplaceAuth}, ${v.storage}`;
}

describe('settings registry', () => {
  it('declares each setting once, each read in some variant, picked only by declared settings', () => {
    const names = SETTINGS.map((s) => s.name);
    assert.equal(new Set(names).size, names.length);
    for (const s of SETTINGS) {
      assert.ok(
        allVariants(DIMENSIONS).some((v) => readIn(s, v)),
        `${s.name} is read in no variant`,
      );
      assert.ok(!(s.default !== undefined && s.required !== undefined), `${s.name}: a default or required`);
    }
    for (const d of DIMENSION_NAMES) {
      for (const s of DIMENSIONS[d].selectedBy) assert.ok(SETTINGS.includes(s), `${d}: ${s.name} undeclared`);
      for (const value of DIMENSIONS[d].values) {
        assert.ok(DIMENSIONS[d].explain.includes(`\`${value}\``), `${d}: explain names ${value}`);
      }
    }
  });

  it('loads every variant it declares from the settings that variant reads, and picks that variant', () => {
    const variants = allVariants(DIMENSIONS);
    assert.equal(variants.length, 3 * 2 * 3);
    for (const v of variants) {
      const env = environmentFor(v);
      assert.deepEqual(selectVariants(env), v);
      const config = loadConfig(env);
      assert.equal(config.graph.auth.kind, v.graphAuth, describeVariants(v));
      assert.equal(config.workplace.auth.kind, v.workplaceAuth, describeVariants(v));
      assert.equal(config.storage.kind, v.storage === 'connectionString' ? 'connectionString' : 'identity');
      assert.deepEqual(loadStorageConfig(env), config.storage);
      assert.deepEqual(loadTelemetryConfig(env), config.telemetry);
    }
  });

  it('loads every variant from its required settings alone, and names each one left out', () => {
    for (const v of allVariants(DIMENSIONS)) {
      const required = SETTINGS.filter((s) => requiredIn(s, v)).map((s) => s.name);
      const minimal = environmentFor(v, (name) => required.includes(name) || SELECTING.has(name));
      assert.doesNotThrow(() => loadConfig(minimal), describeVariants(v));
      for (const name of required) {
        if (SELECTING.has(name)) continue; // leaving it out picks another variant
        const { [name]: _left, ...env } = minimal;
        assert.throws(
          () => loadConfig(env),
          (err: unknown) =>
            err instanceof ConfigError &&
            err.problems.length === 1 &&
            err.problems[0]?.startsWith(`${name}: missing; expected `) === true,
          `${describeVariants(v)} without ${name}`,
        );
      }
    }
  });

  it('names the identity-based storage setting and the telemetry setting that is wrong', () => {
    const problems = (env: Record<string, string>): readonly string[] => {
      try {
        loadStorageConfig(env);
        loadTelemetryConfig(env);
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems;
      }
      return [];
    };
    assert.deepEqual(problems({ AzureWebJobsStorage__accountName: 'Bad_Name' }), [
      'AzureWebJobsStorage__accountName: not 3-24 lowercase letters and digits (got "Bad_Name"); ' +
        'expected a storage account name, 3-24 lowercase letters and digits',
    ]);
    assert.deepEqual(
      problems({
        AzureWebJobsStorage__queueServiceUri: 'queues',
        AzureWebJobsStorage__tableServiceUri: 'https://t.example/',
      }),
      [
        'AzureWebJobsStorage__queueServiceUri: not a URL (got "queues"); ' +
          'expected the queue service URI, e.g. https://<account>.queue.core.windows.net',
      ],
    );
    const telemetry = problems({
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey',
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=Key;Secret=s3cr3t',
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    });
    assert.deepEqual(
      telemetry.map((p) => p.slice(0, p.indexOf(';'))),
      [
        'APPLICATIONINSIGHTS_CONNECTION_STRING: not a key=value',
        'APPLICATIONINSIGHTS_AUTHENTICATION_STRING: not Authorization=AAD[',
      ],
    );
    assert.ok(!telemetry.join('\n').includes('s3cr3t'));
  });

  it('says what the sandbox puts only for settings the sandbox (local/) names', () => {
    const local = sourcesUnder(path.join(ROOT, 'local')).map((file) => readFileSync(file, 'utf8'));
    for (const s of SETTINGS) {
      if (s.sandbox === undefined) continue;
      assert.ok(
        local.some((text) => new RegExp(`\\b${s.name}\\b`).test(text)),
        `${s.name}: local/ never names it, yet the registry says the sandbox puts ${s.sandbox} there`,
      );
    }
  });

  it('names in local.settings.json.example only settings it declares (and the Functions worker runtime)', () => {
    const example = JSON.parse(readFileSync(path.join(ROOT, 'local.settings.json.example'), 'utf8')) as {
      Values: Record<string, string>;
    };
    const declared = new Set(SETTINGS.map((s) => s.name));
    for (const name of Object.keys(example.Values)) {
      assert.ok(declared.has(name) || name === 'FUNCTIONS_WORKER_RUNTIME', `${name} is not a setting`);
    }
  });
});

describe("README.md's settings table", () => {
  it('is what npm run docs:settings generates from the registry', async () => {
    const readme = readFileSync(README, 'utf8');
    assert.equal(readme, await withSettingsTable(readme), 'README.md is stale: run npm run docs:settings');
  });

  it('lists every setting once, and changes when a setting does (the check above can fail)', async () => {
    const table = settingsTable();
    for (const s of SETTINGS) assert.equal(table.split(`| \`${s.name}\``).length, 2, s.name);
    const readme = readFileSync(README, 'utf8');
    const changed = SETTINGS.map((s) =>
      s.name === 'ROOMSYNC_LOG_LEVEL' ? { ...s, meaning: 'how much the app says' } : s,
    );
    const regenerated = await withSettingsTable(readme, settingsTable(changed));
    assert.notEqual(regenerated, readme);
    assert.match(regenerated, /\| `ROOMSYNC_LOG_LEVEL` +\| all +\| how much the app says +\|/);
  });
});
