import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../shared/config';

const AZURITE =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:2/devstoreaccount1;';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults to a minimal valid environment', () => {
    const config = loadConfig({ AzureWebJobsStorage: AZURITE });
    assert.deepEqual(config, {
      storage: { kind: 'connectionString', connectionString: AZURITE, allowInsecure: true },
      syncHorizonDays: 365,
      logLevel: 'info',
    });
  });

  it('reads every setting it is given', () => {
    const config = loadConfig({
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      ROOMSYNC_SYNC_HORIZON_DAYS: '90',
      ROOMSYNC_LOG_LEVEL: 'DEBUG',
    });
    assert.equal(config.syncHorizonDays, 90);
    assert.equal(config.logLevel, 'debug');
  });

  it('names every bad setting in one error, with what it expects', () => {
    const problems = problemsOf({ ROOMSYNC_SYNC_HORIZON_DAYS: 'lots', ROOMSYNC_LOG_LEVEL: 'chatty' });
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
    assert.deepEqual(loadConfig({ AzureWebJobsStorage__accountName: 'roomsyncst' }).storage, {
      kind: 'identity',
      queueServiceUrl: 'https://roomsyncst.queue.core.windows.net',
      tableServiceUrl: 'https://roomsyncst.table.core.windows.net',
      managedIdentityClientId: undefined,
    });
    const explicit = loadConfig({
      AzureWebJobsStorage__queueServiceUri: 'https://q.example/',
      AzureWebJobsStorage__tableServiceUri: 'https://t.example/',
      AzureWebJobsStorage__clientId: '00000000-0000-0000-0000-000000000001',
    }).storage;
    assert.equal(explicit.kind, 'identity');
    assert.match(problemsOf({ AzureWebJobsStorage__accountName: 'Bad_Name' })[0] ?? '', /3-24 lowercase/);
  });

  it('uses TLS unless the connection string says http', () => {
    const secure = loadConfig({
      AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=b',
    }).storage;
    assert.equal(secure.kind === 'connectionString' && secure.allowInsecure, false);
  });
});
