/**
 * Imported first by every function module (functions/*.ts): starts telemetry before anything it
 * instruments is loaded. A module of its own because imports run in order, and only a side effect
 * at the top of the import list runs before the others.
 */
import { startTelemetry } from './start';

startTelemetry(process.env);
