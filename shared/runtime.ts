import { loadConfig, type Config } from './config';
import { createStorageClients, type StorageClients } from './storage';
import { createLogger, type Logger } from './telemetry/logger';

/** What the functions share within one worker process: built once, on first use. */
export interface Services {
  config: Config;
  storage: StorageClients;
  logger: Logger;
}

let services: Services | undefined;

/**
 * Function modules call this at load time, so a bad configuration stops the app from starting (the
 * ConfigError names every bad setting) rather than failing one request at a time.
 */
export function getServices(): Services {
  if (!services) {
    const config = loadConfig(process.env);
    services = {
      config,
      storage: createStorageClients(config.storage),
      logger: createLogger({ level: config.logLevel }),
    };
  }
  return services;
}
