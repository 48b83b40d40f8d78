/**
 * infra/ against the code, offline. The settings part reads the registry (shared/config/settings.ts): for
 * each variant main.bicep's parameters select, the app settings pick the registry's variant of the same
 * name, set every setting the registry requires there (and the optional ones, or say why not), and set
 * nothing that neither the registry nor the Functions host reads; loadConfig, called through a recording
 * Proxy, reads exactly what the registry declares for that variant (nothing undeclared).
 * The structural part: what a Bicep compiler would refuse and this reader can see (infra/README.md says
 * what stays unchecked).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../shared/config';
import { selectVariants } from '../../shared/config/load';
import { DIMENSION_NAMES, readIn, requiredIn, type Variants } from '../../shared/config/setting';
import { DIMENSIONS, SETTINGS } from '../../shared/config/settings';
import { compileRoute } from '../../local/host/routes';
import {
  allowedValues,
  checkBalanced,
  isSecure,
  literalOf,
  parseBicep,
  tokensText,
  type BicepFile,
  type Node,
  type StringPart,
  type Token,
} from '../helpers/bicep';

const ROOT = path.join(__dirname, '..', '..');
const INFRA = path.join(ROOT, 'infra');
const MAIN = path.join(INFRA, 'main.bicep');

/**
 * App settings read by the Functions host or platform (the two Application Insights ones are read by the
 * code as well: shared/telemetry exports the app's own traces, metrics and logs to the same component).
 */
const HOST_SETTINGS: Record<string, string> = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'the host sends its logs, requests and metrics to this component',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING:
    'the host sends that telemetry with an Entra token of the app identity (local auth is off)',
  languageWorkers__node__arguments: 'the host starts the Node worker with these arguments (its heap limit)',
};

/**
 * The storage variant Azure runs: the account has shared keys off (checked below), so there is no
 * connection string (`AzureWebJobsStorage`), and `__accountName` gives the same endpoints as explicit
 * service URIs in public Azure.
 */
const AZURE_STORAGE: Variants['storage'] = 'accountName';

/** Optional settings the registry reads in a deployed variant that the deployment never sets, and why. */
const NOT_DEPLOYED: Record<string, string> = {
  AzureWebJobsStorage__clientId: 'names a user-assigned identity; the app uses its system-assigned one',
  GRAPH_AUTHORITY_HOST:
    'sends token requests to the Graph emulator; Azure uses the default Entra ID authority',
};

/** Optional settings the registry reads in every deployed variant but which only some variants set. */
const UNSET_IN_SOME_VARIANTS: Record<string, string> = {
  GRAPH_CLIENT_ID:
    'with GRAPH_AUTH=managedIdentity it would name a user-assigned identity; the system-assigned one needs none',
};

/** Deprecated on Flex Consumption (the runtime is functionAppConfig) or meaningless there. */
const NOT_ON_FLEX = [
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_EXTENSION_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_NODE_DEFAULT_VERSION',
];

/**
 * What Azure hands the app for settings whose Bicep value is not a plain literal (a parameter, a
 * resource property, a resolved Key Vault reference): valid examples, so loadConfig can judge the set.
 */
const EXAMPLES: Record<string, string> = {
  AzureWebJobsStorage__accountName: 'stexample0001',
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.in.applicationinsights.azure.com/',
  ROOMSYNC_PUBLIC_URL: 'https://roomsync-example.azurewebsites.net',
  ROOMSYNC_SYNC_HORIZON_DAYS: '365',
  ROOMSYNC_ROOM_CHECK_DELAY_SECONDS: '120',
  ROOMSYNC_LOG_LEVEL: 'info',
  languageWorkers__node__arguments: '--max-old-space-size=256',
  GRAPH_BASE_URL: 'https://graph.microsoft.com',
  GRAPH_TENANT_ID: '00000000-0000-0000-0000-000000000001',
  GRAPH_CLIENT_ID: '00000000-0000-0000-0000-000000000002',
  GRAPH_CLIENT_SECRET: 'graph-client-secret-value',
  WORKPLACE_BASE_URL: 'https://workplace.example.com/api',
  WORKPLACE_API_KEY: 'workplace-api-key-value',
  WORKPLACE_TOKEN_URL: 'https://workplace.example.com/oauth/token',
  WORKPLACE_CLIENT_ID: 'roomsync',
  WORKPLACE_CLIENT_SECRET: 'workplace-client-secret-value',
  WORKPLACE_WEBHOOK_SECRET: 'workplace-webhook-secret-0123456789',
};

/** The status page's route: another part of issue 9 registers it; until then it may be missing. */
const PENDING_ROUTES = new Set(['status']);

// ---------------------------------------------------------------------------------------------------

const files = new Map<string, BicepFile>();
function bicep(file: string): BicepFile {
  let parsed = files.get(file);
  if (!parsed) {
    parsed = parseBicep(readFileSync(file, 'utf8'));
    files.set(file, parsed);
  }
  return parsed;
}

/** main.bicep and every module it reaches, by absolute path. */
function templateFiles(): string[] {
  const seen: string[] = [];
  const visit = (file: string): void => {
    if (seen.includes(file)) return;
    seen.push(file);
    for (const mod of bicep(file).modules) visit(path.resolve(path.dirname(file), mod.path));
  };
  visit(MAIN);
  return seen;
}

function bicepFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return bicepFilesUnder(full);
    return entry.name.endsWith('.bicep') ? [full] : [];
  });
}

function objectEntries(node: Node | undefined, what: string): Map<string, Node> {
  assert.ok(node?.kind === 'object', `${what} is not an object literal`);
  return node.entries;
}

function entry(node: Node | undefined, key: string, what: string): Node | undefined {
  return objectEntries(node, what).get(key);
}

interface Variant {
  /** Parameter values that select it, e.g. { graphAuth: 'clientSecret', workplaceAuth: 'apiKey' }. */
  params: Record<string, string>;
  /** App setting name -> its Bicep value. */
  settings: Map<string, Node>;
}

/** Splits `f(a, b[c], d)`'s argument tokens at top-level commas. */
function callArguments(tokens: Token[], fn: string): Token[][] {
  assert.equal(tokens[0]?.text, fn, `expected ${fn}(…), found ${tokensText(tokens)}`);
  assert.equal(tokens[1]?.text, '(');
  assert.equal(tokens.at(-1)?.text, ')', `${fn}(…) is followed by more: ${tokensText(tokens)}`);
  const args: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens.slice(2, -1)) {
    if (token.kind === 'newline') continue;
    if (token.kind === 'punct' && '([{'.includes(token.text)) depth++;
    if (token.kind === 'punct' && ')]}'.includes(token.text)) depth--;
    if (depth === 0 && token.kind === 'punct' && token.text === ',') args.push([]);
    else args.at(-1)?.push(token);
  }
  return args;
}

/**
 * The app settings each parameter variant yields: the `Microsoft.Web/sites/config` `appsettings`
 * resource's properties, `union(...)` of objects declared as vars, some indexed by the parameter that
 * picks one of their variants (`graphSettings[graphAuth]`).
 */
function appSettingVariants(): { file: string; variants: Variant[] } {
  const found = templateFiles().flatMap((file) =>
    bicep(file)
      .resources.filter(
        (r) =>
          r.type.startsWith('Microsoft.Web/sites/config@') &&
          literalOf(entry(r.body, 'name', r.symbol)) === 'appsettings',
      )
      .map((r) => ({ file, resource: r })),
  );
  assert.equal(found.length, 1, 'exactly one appsettings resource in main.bicep and its modules');
  const [{ file, resource }] = found as [(typeof found)[number]];
  const parsed = bicep(file);
  const properties = entry(resource.body, 'properties', resource.symbol);
  assert.ok(properties, 'appsettings has properties');

  type Arg =
    { name: string; object: Map<string, Node> } | { name: string; param: string; byValue: Map<string, Node> };
  const args: Arg[] =
    properties.kind === 'object'
      ? [{ name: 'properties', object: properties.entries }]
      : callArguments(properties.kind === 'expr' ? properties.tokens : [], 'union').map((arg): Arg => {
          const text = tokensText(arg);
          const [name, open, index, close, ...rest] = arg;
          assert.ok(name?.kind === 'ident', `cannot read union argument ${text}`);
          const object = objectEntries(parsed.vars.get(name.text), `var ${name.text}`);
          if (open === undefined) return { name: name.text, object };
          assert.ok(
            open.text === '[' && index?.kind === 'ident' && close?.text === ']' && rest.length === 0,
            `cannot read union argument ${text}`,
          );
          return { name: name.text, param: index.text, byValue: object };
        });

  const choices = args.flatMap((arg) => {
    if (!('param' in arg)) return [];
    const param = parsed.params.get(arg.param);
    assert.ok(param, `${arg.name}[${arg.param}]: no parameter ${arg.param} in ${path.relative(ROOT, file)}`);
    const allowed = allowedValues(param)?.map(String);
    assert.ok(allowed, `parameter ${arg.param} needs @allowed: it picks a variant of ${arg.name}`);
    assert.deepEqual(
      [...arg.byValue.keys()].sort(),
      [...allowed].sort(),
      `${arg.name}'s variants = @allowed`,
    );
    return [{ param: arg.param, values: allowed }];
  });
  const combinations = choices.reduce<Record<string, string>[]>(
    (acc, { param, values }) => acc.flatMap((c) => values.map((v) => ({ ...c, [param]: v }))),
    [{}],
  );

  const variants = combinations.map((params) => {
    const settings = new Map<string, Node>();
    for (const arg of args) {
      const value = 'param' in arg ? arg.byValue.get(params[arg.param] ?? '') : undefined;
      const object = 'object' in arg ? arg.object : objectEntries(value, `${arg.name} variant`);
      for (const [key, node] of object) {
        assert.ok(!settings.has(key), `${key} is set twice (union would silently keep the last)`);
        settings.set(key, node);
      }
    }
    return { params, settings };
  });
  return { file, variants };
}

/** The environment Azure gives the app in a variant: literal values as written, the rest from EXAMPLES. */
function environmentOf(variant: Variant): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, node] of variant.settings) {
    const literal = literalOf(node);
    const value = literal ?? EXAMPLES[key];
    assert.ok(value !== undefined, `give ${key} an example value in EXAMPLES (its Bicep value is computed)`);
    env[key] = value;
  }
  return env;
}

/**
 * Calls loadConfig over `env` and returns every key it looked up, present or not. A ConfigError still
 * leaves a full record (loadConfig checks every setting before it throws); the tests below say what is
 * wrong with the settings.
 */
function keysRead(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const recorder = new Proxy(env, {
    get(target, key, receiver) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    ownKeys() {
      throw new Error('loadConfig enumerated the environment: this test can no longer tell what it reads');
    },
  });
  try {
    loadConfig(recorder);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
  }
  return read;
}

/** What the registry says loadConfig reads in `variants`: the settings that pick variants, and the variants' own. */
function declaredReads(variants: Variants): Set<string> {
  const selecting = DIMENSION_NAMES.flatMap((d) => DIMENSIONS[d].selectedBy.map((s) => s.name));
  return new Set([...selecting, ...SETTINGS.filter((s) => readIn(s, variants)).map((s) => s.name)]);
}

function describeVariant(variant: Variant): string {
  return Object.entries(variant.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------------

interface Deployed {
  variant: Variant;
  /** The registry's variant its settings pick. */
  registry: Variants;
  /** Every key loadConfig looked up in its settings. */
  read: Set<string>;
}

/** Each Bicep variant with its registry variant and reads; computed inside the tests, so they fail. */
let analysed: Deployed[] | undefined;
function analysis(): Deployed[] {
  analysed ??= appSettingVariants().variants.map((variant) => {
    try {
      const env = environmentOf(variant);
      return { variant, registry: selectVariants(env), read: keysRead(env) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`${describeVariant(variant)}: ${message}`, { cause: err });
    }
  });
  return analysed;
}

/** Every .ts file under `dir`, at any depth. */
function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('infra: app settings against the settings registry', () => {
  it('covers every variant the parameters select (Graph: secret or managed identity; Workplace: key or OAuth)', () => {
    const variants = analysis().map((d) => d.variant);
    assert.deepEqual(variants.map(describeVariant).sort(), [
      'graphAuth=clientSecret, workplaceAuth=apiKey',
      'graphAuth=clientSecret, workplaceAuth=clientCredentials',
      'graphAuth=managedIdentity, workplaceAuth=apiKey',
      'graphAuth=managedIdentity, workplaceAuth=clientCredentials',
    ]);
    const main = bicep(MAIN);
    for (const param of ['graphAuth', 'workplaceAuth']) {
      const declared = main.params.get(param);
      assert.ok(declared, `main.bicep declares ${param}`);
      const inModule = [...new Set(variants.map((v) => v.params[param]))].sort();
      assert.deepEqual(
        allowedValues(declared)?.map(String).sort(),
        inModule,
        `main.bicep's @allowed for ${param}`,
      );
    }
  });

  it("picks, with each variant's settings, the registry's variant its parameters name", () => {
    for (const { variant, registry } of analysis()) {
      const named: Record<string, string> = { ...variant.params, storage: AZURE_STORAGE };
      assert.deepEqual(registry, named, `${describeVariant(variant)}: the settings pick another variant`);
    }
  });

  it('loads a valid configuration from exactly the settings each variant sets', () => {
    for (const variant of appSettingVariants().variants) {
      try {
        loadConfig(environmentOf(variant));
      } catch (err) {
        assert.fail(`${describeVariant(variant)}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  });

  it('sets every setting the registry requires in that variant', () => {
    for (const { variant, registry } of analysis()) {
      for (const s of SETTINGS) {
        if (!requiredIn(s, registry)) continue;
        assert.ok(variant.settings.has(s.name), `${describeVariant(variant)} needs ${s.name}: ${s.meaning}`);
      }
    }
  });

  it('sets every other setting the registry reads in that variant, or says why it is left unset', () => {
    for (const { variant, registry } of analysis()) {
      for (const s of SETTINGS) {
        if (!readIn(s, registry) || variant.settings.has(s.name)) continue;
        assert.ok(
          s.name in NOT_DEPLOYED || s.name in UNSET_IN_SOME_VARIANTS,
          `the registry reads ${s.name} with ${describeVariant(variant)}, which main.bicep does not set`,
        );
      }
    }
  });

  it('sets nothing that neither the registry (for that variant) nor the Functions host reads', () => {
    for (const { variant, registry } of analysis()) {
      const read = new Set(SETTINGS.filter((s) => readIn(s, registry)).map((s) => s.name));
      for (const key of variant.settings.keys()) {
        assert.ok(
          read.has(key) || key in HOST_SETTINGS,
          `main.bicep sets ${key} for ${describeVariant(variant)}, which nothing reads there`,
        );
      }
    }
  });

  it('has loadConfig read exactly what the registry declares for the variant, nothing undeclared', () => {
    for (const { variant, registry, read } of analysis()) {
      assert.deepEqual([...read].sort(), [...declaredReads(registry)].sort(), describeVariant(variant));
    }
  });

  it('keeps its exception lists true: each entry is still read, and set or unset as it says', () => {
    const deployed = analysis();
    const declared = new Set(SETTINGS.map((s) => s.name));
    const readSomewhere = (name: string): boolean =>
      deployed.some(({ registry }) => SETTINGS.some((s) => s.name === name && readIn(s, registry)));
    const setAnywhere = new Set(deployed.flatMap(({ variant }) => [...variant.settings.keys()]));
    for (const [list, entries] of Object.entries({ NOT_DEPLOYED, UNSET_IN_SOME_VARIANTS })) {
      for (const key of Object.keys(entries)) {
        assert.ok(declared.has(key), `${list} lists ${key}, which the registry does not declare`);
        assert.ok(readSomewhere(key), `${list} lists ${key}, which no deployed variant reads`);
      }
    }
    for (const key of Object.keys(NOT_DEPLOYED)) {
      assert.ok(!setAnywhere.has(key), `main.bicep sets ${key}: ${NOT_DEPLOYED[key] ?? ''}`);
    }
    for (const key of Object.keys(UNSET_IN_SOME_VARIANTS)) {
      assert.ok(setAnywhere.has(key), `UNSET_IN_SOME_VARIANTS lists ${key}, which no variant sets`);
    }
    for (const key of Object.keys(HOST_SETTINGS)) {
      assert.ok(setAnywhere.has(key), `HOST_SETTINGS lists ${key}, which main.bicep no longer sets`);
    }
  });

  it('sets no setting that Flex Consumption deprecates', () => {
    for (const { variant } of analysis()) {
      for (const key of NOT_ON_FLEX) assert.ok(!variant.settings.has(key), `${key} must not be set on Flex`);
    }
  });

  it('sets none of the settings only the sandbox reads (local/)', () => {
    const declared = new Set(SETTINGS.map((s) => s.name));
    const sandboxOnly = new Set<string>();
    for (const file of sourcesUnder(path.join(ROOT, 'local'))) {
      const text = readFileSync(file, 'utf8');
      for (const [key] of text.matchAll(/\b(?:ROOMSYNC|GRAPH|WORKPLACE)_[A-Z0-9_]+\b/g)) {
        if (!declared.has(key)) sandboxOnly.add(key);
      }
    }
    assert.ok(sandboxOnly.has('ROOMSYNC_HOST_PORT'), 'found the sandbox-only settings in local/');
    for (const { variant } of analysis()) {
      for (const key of sandboxOnly)
        assert.ok(!variant.settings.has(key), `${key} is read only by the sandbox`);
    }
  });

  it('fails when a setting the code needs goes missing (the checks above are not vacuous)', () => {
    const [first] = analysis();
    assert.ok(first);
    const env = environmentOf(first.variant);
    delete env.WORKPLACE_WEBHOOK_SECRET;
    assert.throws(() => loadConfig(env), /WORKPLACE_WEBHOOK_SECRET/);
    const required = SETTINGS.filter((s) => requiredIn(s, first.registry)).map((s) => s.name);
    assert.ok(required.includes('WORKPLACE_WEBHOOK_SECRET'), 'the registry requires the webhook secret');
    assert.ok(first.read.has('WORKPLACE_WEBHOOK_SECRET'), 'the Proxy saw loadConfig read it');
  });
});

// ---------------------------------------------------------------------------------------------------

describe('infra: what can be checked without the Bicep compiler', () => {
  it('has balanced brackets and readable declarations in every .bicep file', () => {
    const all = bicepFilesUnder(INFRA);
    assert.ok(all.length >= 2);
    for (const file of all) {
      const source = readFileSync(file, 'utf8');
      assert.doesNotThrow(() => checkBalanced(source), path.relative(ROOT, file));
      assert.doesNotThrow(() => bicep(file), path.relative(ROOT, file));
    }
  });

  it('reaches every module file, and every module under infra/ is used', () => {
    const reached = templateFiles();
    for (const file of reached) {
      for (const mod of bicep(file).modules) {
        const target = path.resolve(path.dirname(file), mod.path);
        assert.ok(
          existsSync(target),
          `${path.relative(ROOT, file)}: module ${mod.symbol} '${mod.path}' is missing`,
        );
      }
    }
    for (const file of bicepFilesUnder(INFRA)) {
      assert.ok(reached.includes(file), `${path.relative(ROOT, file)} is not used by main.bicep`);
    }
  });

  it('passes each module exactly its declared parameters, every required one included', () => {
    for (const file of templateFiles()) {
      for (const mod of bicep(file).modules) {
        const target = bicep(path.resolve(path.dirname(file), mod.path));
        const passed = objectEntries(entry(mod.body, 'params', mod.symbol), `module ${mod.symbol} params`);
        for (const name of passed.keys()) {
          assert.ok(
            target.params.has(name),
            `module ${mod.symbol} is passed ${name}, which ${mod.path} does not declare`,
          );
        }
        for (const param of target.params.values()) {
          if (param.defaultValue !== undefined) continue;
          assert.ok(passed.has(param.name), `module ${mod.symbol} lacks required parameter ${param.name}`);
        }
      }
    }
  });

  it('has a parameters file that main.bicep accepts', () => {
    const main = bicep(MAIN);
    const json = JSON.parse(readFileSync(path.join(INFRA, 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, { value?: unknown; reference?: unknown }>;
    };
    for (const [name, given] of Object.entries(json.parameters)) {
      const param = main.params.get(name);
      assert.ok(param, `main.parameters.json sets ${name}, which main.bicep does not declare`);
      assert.ok(!isSecure(param), `${name} is secure: pass it at deployment, not in a file in git`);
      const allowed = allowedValues(param);
      if (allowed)
        assert.ok(
          allowed.includes(given.value as string | number),
          `${name}: ${String(given.value)} not allowed`,
        );
    }
    for (const param of main.params.values()) {
      if (param.defaultValue !== undefined || isSecure(param)) continue;
      assert.ok(
        param.name in json.parameters,
        `required parameter ${param.name} has no value in main.parameters.json`,
      );
    }
  });

  it('refers only to Key Vault secrets the template creates, in @Microsoft.KeyVault(SecretUri=…) form', () => {
    const secrets = new Set<string>();
    const references = new Set<string>();
    for (const file of templateFiles()) {
      const parsed = bicep(file);
      for (const r of parsed.resources) {
        if (!r.type.startsWith('Microsoft.KeyVault/vaults/secrets@') || r.existing) continue;
        const name = literalOf(entry(r.body, 'name', r.symbol));
        assert.ok(name, `secret ${r.symbol} has a literal name`);
        secrets.add(name);
      }
      for (const parts of parsed.strings) {
        const text = parts.map((p: StringPart) => (typeof p === 'string' ? p : '${…}')).join('');
        if (!text.includes('@Microsoft.KeyVault')) continue;
        const match = /^@Microsoft\.KeyVault\(SecretUri=\$\{…\}secrets\/([A-Za-z0-9-]+)\/\)$/.exec(text);
        assert.ok(match?.[1], `${path.relative(ROOT, file)}: cannot read Key Vault reference ${text}`);
        references.add(match[1]);
      }
    }
    assert.ok(references.size > 0);
    for (const name of references)
      assert.ok(secrets.has(name), `a setting refers to secret ${name}, which is never created`);
    for (const name of secrets)
      assert.ok(references.has(name), `secret ${name} is created but no setting uses it`);
  });

  it('runs Node 20 on a Flex Consumption plan with a system-assigned identity', () => {
    const resources = templateFiles().flatMap((file) => bicep(file).resources);
    const plan = resources.find((r) => r.type.startsWith('Microsoft.Web/serverfarms@'));
    const sku = entry(plan?.body, 'sku', 'plan');
    assert.equal(literalOf(entry(sku, 'name', 'plan sku')), 'FC1');
    assert.equal(literalOf(entry(sku, 'tier', 'plan sku')), 'FlexConsumption');
    const site = resources.find((r) => r.type.startsWith('Microsoft.Web/sites@') && !r.existing);
    assert.ok(site);
    assert.equal(
      literalOf(entry(entry(site.body, 'identity', 'site'), 'type', 'identity')),
      'SystemAssigned',
    );
    const config = entry(entry(site.body, 'properties', 'site'), 'functionAppConfig', 'site properties');
    const runtime = entry(config, 'runtime', 'functionAppConfig');
    assert.equal(literalOf(entry(runtime, 'name', 'runtime')), 'node');
    assert.equal(literalOf(entry(runtime, 'version', 'runtime')), '20');
    const storage = entry(entry(config, 'deployment', 'functionAppConfig'), 'storage', 'deployment');
    assert.equal(literalOf(entry(storage, 'type', 'deployment storage')), 'blobContainer');
    const auth = entry(storage, 'authentication', 'deployment storage');
    assert.equal(literalOf(entry(auth, 'type', 'authentication')), 'SystemAssignedIdentity');
    const account = resources.find(
      (r) => r.type.startsWith('Microsoft.Storage/storageAccounts@') && !r.existing,
    );
    const sharedKey = entry(entry(account?.body, 'properties', 'storage'), 'allowSharedKeyAccess', 'storage');
    assert.equal(sharedKey?.kind === 'expr' ? tokensText(sharedKey.tokens) : undefined, 'false');
  });

  it('outputs the URL of every HTTP function callable without path parameters, and no other', () => {
    const host = JSON.parse(readFileSync(path.join(ROOT, 'host.json'), 'utf8')) as {
      extensions?: { http?: { routePrefix?: string } };
    };
    const prefix = host.extensions?.http?.routePrefix ?? 'api';
    const routes = readdirSync(path.join(ROOT, 'functions'))
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) => [
        ...readFileSync(path.join(ROOT, 'functions', name), 'utf8').matchAll(/\broute:\s*'([^']+)'/g),
      ])
      .map((m) => m[1] ?? '');
    const outputs = [...bicep(MAIN).outputs.values()].flatMap(({ value }) => {
      if (value.kind !== 'string') return [];
      const last = value.parts.at(-1);
      const match = typeof last === 'string' ? new RegExp(`^/${prefix}/(.+)$`).exec(last) : null;
      return match?.[1] ? [match[1]] : [];
    });
    for (const route of routes) {
      const needsParameter = route.split('/').some((s) => s.startsWith('{') && !s.endsWith('?}'));
      if (needsParameter) continue;
      assert.ok(
        outputs.some((out) => compileRoute(route)(`/${out}`)),
        `no output URL for route ${route}`,
      );
    }
    for (const out of outputs) {
      const registered = routes.some((route) => compileRoute(route)(`/${out}`));
      assert.ok(
        registered || PENDING_ROUTES.has(out),
        `output URL /${prefix}/${out} matches no function route`,
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------------

describe('infra: least privilege (issue 19, item 14)', () => {
  const resources = (): { file: string; resource: BicepFile['resources'][number] }[] =>
    templateFiles().flatMap((file) => bicep(file).resources.map((resource) => ({ file, resource })));
  const one = (typePrefix: string): { file: string; resource: BicepFile['resources'][number] } => {
    const found = resources().filter(
      ({ resource }) => resource.type.startsWith(typePrefix) && !resource.existing,
    );
    assert.equal(found.length, 1, `exactly one ${typePrefix} resource`);
    return found[0] as (typeof found)[number];
  };
  // A multi-line `[ for x in y: {…} ]` reads as an array whose one item is the loop expression.
  const exprText = (node: Node | undefined): string | undefined =>
    node?.kind === 'expr'
      ? tokensText(node.tokens)
      : node?.kind === 'array'
        ? node.items.map((item) => exprText(item) ?? '').join(' ')
        : literalOf(node);

  it('keeps Key Vault secrets recoverable: RBAC, soft delete and purge protection', () => {
    const { resource } = one('Microsoft.KeyVault/vaults@');
    const properties = entry(resource.body, 'properties', 'vault');
    assert.equal(exprText(entry(properties, 'enableRbacAuthorization', 'vault properties')), 'true');
    assert.equal(exprText(entry(properties, 'enableSoftDelete', 'vault properties')), 'true');
    assert.equal(exprText(entry(properties, 'enablePurgeProtection', 'vault properties')), 'true');
  });

  it('turns off basic (username and password) publishing for FTP and the SCM site', () => {
    const { resource: site } = one('Microsoft.Web/sites@');
    const policies = resources().filter(({ resource }) =>
      resource.type.startsWith('Microsoft.Web/sites/basicPublishingCredentialsPolicies@'),
    );
    const byName = new Map(
      policies.map(({ resource }) => [literalOf(entry(resource.body, 'name', resource.symbol)), resource]),
    );
    for (const name of ['ftp', 'scm']) {
      const policy = byName.get(name);
      assert.ok(policy, `a basicPublishingCredentialsPolicies resource named ${name}`);
      assert.equal(exprText(entry(policy.body, 'parent', name)), site.symbol, `${name} belongs to the site`);
      const properties = entry(policy.body, 'properties', name);
      assert.equal(exprText(entry(properties, 'allow', `${name} properties`)), 'false');
    }
  });

  it('offers network rules for storage and Key Vault, off by default, passed through from main.bicep and documented', () => {
    const main = bicep(MAIN);
    const readme = readFileSync(path.join(INFRA, 'README.md'), 'utf8');
    for (const name of ['restrictNetworkAccess', 'networkAllowedSubnetIds', 'networkAllowedIpRanges']) {
      const param = main.params.get(name);
      assert.ok(param, `main.bicep declares ${name}`);
      assert.ok(
        param.decorators.some((d) => d.name === 'description'),
        `${name} has a description`,
      );
      assert.ok(readme.includes(`\`${name}\``), `infra/README.md documents ${name}`);
    }
    assert.equal(exprText(main.params.get('restrictNetworkAccess')?.defaultValue), 'false');
    for (const [symbol, typePrefix] of [
      ['storage', 'Microsoft.Storage/storageAccounts@'],
      ['keyVault', 'Microsoft.KeyVault/vaults@'],
    ] as const) {
      const mod = main.modules.find((m) => m.symbol === symbol);
      assert.ok(mod, `module ${symbol}`);
      const params = objectEntries(entry(mod.body, 'params', symbol), `${symbol} params`);
      assert.equal(exprText(params.get('restrictNetworkAccess')), 'restrictNetworkAccess');
      assert.equal(exprText(params.get('allowedSubnetIds')), 'networkAllowedSubnetIds');
      assert.equal(exprText(params.get('allowedIpRanges')), 'networkAllowedIpRanges');
      const { file, resource } = one(typePrefix);
      assert.equal(
        exprText(bicep(file).params.get('restrictNetworkAccess')?.defaultValue),
        'false',
        `${symbol}: off by default in the module too`,
      );
      const acls = entry(entry(resource.body, 'properties', symbol), 'networkAcls', `${symbol} properties`);
      assert.equal(exprText(entry(acls, 'bypass', 'networkAcls')), 'AzureServices');
      assert.equal(
        exprText(entry(acls, 'defaultAction', 'networkAcls')),
        "restrictNetworkAccess ? 'Deny' : 'Allow'",
      );
      assert.match(exprText(entry(acls, 'ipRules', 'networkAcls')) ?? '', /for \w+ in allowedIpRanges :/);
      assert.match(
        exprText(entry(acls, 'virtualNetworkRules', 'networkAcls')) ?? '',
        /for \w+ in allowedSubnetIds :/,
      );
    }
  });
});

describe('docs/deploy.md: the Graph permissions it grants are the ones the code uses', () => {
  /** Microsoft Graph application roles (permission reference), by id. */
  const ROLES: Record<string, string> = {
    'ef54d2bf-783f-4e0f-bca1-3210c0444d99': 'Calendars.ReadWrite',
    '913b9306-0ce1-42b8-9137-6a7df690a760': 'Place.Read.All',
    'df021288-bdef-4463-88db-98f22de89214': 'User.Read.All',
  };
  /**
   * What each granted permission is for in the code: Calendars.ReadWrite covers every call
   * shared/graph/gateway.ts makes (/users/{room}/calendar, events, calendarView, instances, subscriptions
   * on events, $batch of subscription renewals); Place.Read.All is for GET /places/{email}, the check
   * that a mailbox registered is a room (issue 19, item 3).
   */
  const USED = new Set(['Calendars.ReadWrite', 'Place.Read.All']);

  it('grants exactly Calendars.ReadWrite and Place.Read.All in both scripts, and no directory permission', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
    const blocks = [...doc.matchAll(/```(?:sh|powershell)\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const granting = blocks.filter((b) => /permission add|New-MgServicePrincipalAppRoleAssignment/.test(b));
    assert.equal(granting.length, 2, 'the client-secret and the managed-identity scripts');
    for (const block of granting) {
      const ids = [...block.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)]
        .map((m) => m[0])
        .filter((id) => id !== '00000003-0000-0000-c000-000000000000'); // Graph itself
      const granted = new Set(ids.map((id) => ROLES[id] ?? `unknown role ${id}`));
      assert.deepEqual([...granted].sort(), [...USED].sort(), block);
    }
  });

  it('calls only the Graph paths that Calendars.ReadWrite covers (and /places, for Place.Read.All)', () => {
    const dir = path.join(ROOT, 'shared', 'graph');
    const source = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''))
      .join('\n');
    // Every string or template literal that is a Graph path: `/…`, or one built on a mailbox's or an
    // event's path (`${usersPath(mailbox)}/…`, `${eventPath(…)}/…`).
    const paths = [
      ...source.matchAll(
        /[`'](\$\{(?:usersPath|eventPath|subscriptionPath)\([^)]*\)\}[^`']*|\/[A-Za-z$][^`'\s]*)[`']/g,
      ),
    ].map((m) => m[1] ?? '');
    assert.ok(paths.length >= 8, paths.join('\n'));
    // The mailbox prefix on its own (GET /users/{id}) would need a directory permission.
    assert.ok(!/(?:request|api)\(\s*usersPath\(/.test(source), 'a GET of the user itself');
    for (const p of paths) {
      const covered =
        /^\$\{usersPath\(mailbox\)\}\/(calendar|events|calendarView)\b/.test(p) ||
        /^\$\{eventPath\(/.test(p) ||
        /^\$\{subscriptionPath\(/.test(p) ||
        /^\/subscriptions\b/.test(p) ||
        p === '/$batch' ||
        /^\/users\/\$\{/.test(p) ||
        /^\/places\//.test(p);
      assert.ok(covered, `shared/graph calls ${p}: which permission covers it?`);
    }
  });
});
