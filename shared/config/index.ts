export { loadConfig, loadStorageConfig, loadTelemetryConfig } from './load';
export {
  ConfigError,
  type Config,
  type Environment,
  type GraphConfig,
  type StorageConfig,
  type TelemetryConfig,
  type WorkplaceConfig,
} from './types';
