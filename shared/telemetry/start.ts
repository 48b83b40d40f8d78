import { AzureFunctionsInstrumentation } from '@azure/functions-opentelemetry-instrumentation';
import { ManagedIdentityCredential } from '@azure/identity';
import { useAzureMonitor } from '@azure/monitor-opentelemetry';
import { logs } from '@opentelemetry/api-logs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { metrics, trace } from '@opentelemetry/api';
import { loadTelemetryConfig, type Environment, type TelemetryConfig } from '../config';
import { exportLogs } from './logger';

/**
 * Turns on OpenTelemetry export to Application Insights when the app has a connection string (set by
 * infra/main.bicep; absent locally and in tests, where nothing is exported and the API stays a no-op).
 * Every function module imports shared/telemetry/boot first, which calls this once per worker process,
 * so the SDK is in place before the modules it instruments are loaded.
 */

let started: TelemetryConfig | undefined;

export function startTelemetry(env: Environment): TelemetryConfig {
  if (started) return started;
  const config = loadTelemetryConfig(env);
  started = config;
  if (!config.connectionString) return config;
  useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString: config.connectionString,
      // Application Insights with local authentication off takes only Entra tokens (infra: the app's
      // managed identity holds Monitoring Metrics Publisher).
      ...(config.entraAuth
        ? {
            credential: config.entraAuth.clientId
              ? new ManagedIdentityCredential({ clientId: config.entraAuth.clientId })
              : new ManagedIdentityCredential(),
          }
        : {}),
    },
    instrumentationOptions: { http: { enabled: true }, azureSdk: { enabled: true } },
  });
  // Each invocation's span continues the trace the Functions host started for it (host.json:
  // telemetryMode OpenTelemetry), so the host's request and the app's spans and logs join up.
  registerInstrumentations({
    tracerProvider: trace.getTracerProvider(),
    meterProvider: metrics.getMeterProvider(),
    loggerProvider: logs.getLoggerProvider(),
    instrumentations: [new AzureFunctionsInstrumentation()],
  });
  exportLogs(true);
  return config;
}
