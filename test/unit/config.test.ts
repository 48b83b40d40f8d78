import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../shared/config';

const AZURITE =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:2/devstoreaccount1;';

/** Everything but storage, as the sandbox sets it for the emulators. */
const SERVICES = {
  GRAPH_BASE_URL: 'https://127.0.0.1:4010',
  GRAPH_AUTHORITY_HOST: 'https://127.0.0.1:4010',
  GRAPH_TENANT_ID: 'contoso',
  GRAPH_CLIENT_ID: 'roomsync',
  GRAPH_CLIENT_SECRET: 'graph-secret-value',
  WORKPLACE_BASE_URL: 'http://127.0.0.1:4020',
  WORKPLACE_API_KEY: 'workplace-dev-key',
  WORKPLACE_WEBHOOK_SECRET: 'webhook-secret-0123456789',
  ROOMSYNC_PUBLIC_URL: 'http://127.0.0.1:7071',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ ...SERVICES, ...env });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults to a minimal valid environment', () => {
    const config = loadConfig({ ...SERVICES, AzureWebJobsStorage: AZURITE });
    assert.deepEqual(config, {
      storage: { kind: 'connectionString', connectionString: AZURITE, allowInsecure: true },
      graph: {
        baseUrl: 'https://127.0.0.1:4010',
        auth: {
          kind: 'clientSecret',
          tenantId: 'contoso',
          clientId: 'roomsync',
          clientSecret: 'graph-secret-value',
          authorityHost: 'https://127.0.0.1:4010',
        },
      },
      workplace: {
        baseUrl: 'http://127.0.0.1:4020',
        auth: { kind: 'apiKey', apiKey: 'workplace-dev-key' },
        webhookSecret: 'webhook-secret-0123456789',
      },
      publicUrl: 'http://127.0.0.1:7071',
      syncHorizonDays: 365,
      roomCheckDelaySeconds: 120,
      logLevel: 'info',
      telemetry: { connectionString: undefined, entraAuth: undefined },
    });
  });

  it('turns telemetry on with an Application Insights connection string, with Entra auth when asked', () => {
    const connectionString =
      'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';
    const base = {
      ...SERVICES,
      AzureWebJobsStorage: AZURITE,
      APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString,
    };
    assert.deepEqual(loadConfig(base).telemetry, { connectionString, entraAuth: undefined });
    assert.deepEqual(
      loadConfig({ ...base, APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD' }).telemetry,
      { connectionString, entraAuth: { clientId: undefined } },
    );
    assert.deepEqual(
      loadConfig({ ...base, APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=abc' })
        .telemetry.entraAuth,
      { clientId: 'abc' },
    );
  });

  it('rejects a telemetry setting that is not what Application Insights takes, without echoing it', () => {
    const env = { ...SERVICES, AzureWebJobsStorage: AZURITE };
    assert.throws(
      () => loadConfig({ ...env, APPLICATIONINSIGHTS_CONNECTION_STRING: 'IngestionEndpoint=https://x/' }),
      (err: unknown) => err instanceof ConfigError && /no InstrumentationKey/.test(err.message),
    );
    assert.throws(
      () =>
        loadConfig({ ...env, APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=Key;Secret=s3cr3t' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /Authorization=AAD/.test(err.message) &&
        !err.message.includes('s3cr3t'),
    );
  });

  it('reads every setting it is given', () => {
    const config = loadConfig({
      ...SERVICES,
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      ROOMSYNC_SYNC_HORIZON_DAYS: '90',
      ROOMSYNC_LOG_LEVEL: 'DEBUG',
    });
    assert.equal(config.syncHorizonDays, 90);
    assert.equal(config.logLevel, 'debug');
  });

  it('names every bad setting in one error, with what it expects', () => {
    const problems = problemsOf({
      ROOMSYNC_SYNC_HORIZON_DAYS: 'lots',
      ROOMSYNC_LOG_LEVEL: 'chatty',
      GRAPH_BASE_URL: '',
    });
    assert.equal(problems.length, 3);
    assert.match(problems[0] ?? '', /^AzureWebJobsStorage: missing; expected a storage connection string/);
    assert.match(
      problems[1] ?? '',
      /^ROOMSYNC_SYNC_HORIZON_DAYS: not an integer \(got "lots"\); expected an integer number of days from 1 to 1825/,
    );
    assert.match(
      problems[2] ?? '',
      /^ROOMSYNC_LOG_LEVEL: not one of the allowed values \(got "chatty"\); expected one of debug, info, warn, error/,
    );
  });

  it('rejects a horizon outside 1..1825 days', () => {
    assert.match(
      problemsOf({ AzureWebJobsStorage: AZURITE, ROOMSYNC_SYNC_HORIZON_DAYS: '1826' })[0] ?? '',
      /out of range/,
    );
    assert.match(
      problemsOf({ AzureWebJobsStorage: AZURITE, ROOMSYNC_SYNC_HORIZON_DAYS: '0' })[0] ?? '',
      /out of range/,
    );
  });

  it('never echoes a malformed connection string, which may hold a key', () => {
    const secret = 'AccountName=x;AccountKey=TOP-SECRET-VALUE';
    const problems = problemsOf({ AzureWebJobsStorage: `${secret};oops` });
    assert.match(problems[0] ?? '', /^AzureWebJobsStorage: not a key=value/);
    assert.ok(!problems.join('\n').includes('TOP-SECRET-VALUE'));
    const noAccount = problemsOf({
      AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountKey=TOP-SECRET-VALUE',
    });
    assert.match(noAccount[0] ?? '', /lacks an account/);
    assert.ok(!noAccount.join('\n').includes('TOP-SECRET-VALUE'));
  });

  it('accepts identity-based storage connections in the Functions convention', () => {
    assert.deepEqual(loadConfig({ ...SERVICES, AzureWebJobsStorage__accountName: 'roomsyncst' }).storage, {
      kind: 'identity',
      queueServiceUrl: 'https://roomsyncst.queue.core.windows.net',
      tableServiceUrl: 'https://roomsyncst.table.core.windows.net',
      managedIdentityClientId: undefined,
    });
    const explicit = loadConfig({
      ...SERVICES,
      AzureWebJobsStorage__queueServiceUri: 'https://q.example/',
      AzureWebJobsStorage__tableServiceUri: 'https://t.example/',
      AzureWebJobsStorage__clientId: '00000000-0000-0000-0000-000000000001',
    }).storage;
    assert.equal(explicit.kind, 'identity');
    assert.match(problemsOf({ AzureWebJobsStorage__accountName: 'Bad_Name' })[0] ?? '', /3-24 lowercase/);
  });

  it('uses TLS unless the connection string says http', () => {
    const secure = loadConfig({
      ...SERVICES,
      AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=b',
    }).storage;
    assert.equal(secure.kind === 'connectionString' && secure.allowInsecure, false);
  });

  it('names each missing or bad Graph, Workplace and public URL setting, never echoing secrets', () => {
    const problems = problemsOf({
      AzureWebJobsStorage: AZURITE,
      GRAPH_TENANT_ID: '',
      GRAPH_CLIENT_SECRET: '',
      WORKPLACE_BASE_URL: 'http://workplace.contoso.com',
      WORKPLACE_API_KEY: '',
      WORKPLACE_WEBHOOK_SECRET: 'short-SECRET',
      ROOMSYNC_PUBLIC_URL: 'not a url',
    });
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      [
        'GRAPH_TENANT_ID',
        'GRAPH_CLIENT_SECRET',
        'WORKPLACE_BASE_URL',
        'WORKPLACE_WEBHOOK_SECRET',
        'WORKPLACE_TOKEN_URL',
        'WORKPLACE_CLIENT_ID',
        'WORKPLACE_CLIENT_SECRET',
        'ROOMSYNC_PUBLIC_URL',
      ],
    );
    assert.match(problems[2] ?? '', /must be https/);
    assert.ok(!problems.join('\n').includes('short-SECRET'));
  });

  it('takes a certificate or the managed identity for Graph', () => {
    const certificate = loadConfig({
      ...SERVICES,
      AzureWebJobsStorage: AZURITE,
      GRAPH_AUTH: 'certificate',
      GRAPH_CLIENT_CERTIFICATE_PATH: '/secrets/roomsync.pem',
    }).graph.auth;
    assert.equal(certificate.kind === 'certificate' && certificate.certificatePath, '/secrets/roomsync.pem');
    const identity = loadConfig({
      AzureWebJobsStorage: AZURITE,
      ...SERVICES,
      GRAPH_AUTH: 'managedIdentity',
      GRAPH_CLIENT_ID: '',
    });
    assert.deepEqual(identity.graph.auth, { kind: 'managedIdentity' });
  });
});
