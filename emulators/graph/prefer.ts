import type { IncomingHttpHeaders } from 'node:http';
import type { IdType } from './ids';

export interface Preferences {
  /** `outlook.timezone`, as the client named it; undefined = UTC. */
  timeZone?: string;
  idType: IdType;
  maxPageSize?: number;
}

/** Reads `Prefer` (one header with comma-separated values, or several headers). */
export function readPreferences(headers: IncomingHttpHeaders): Preferences {
  const raw = headers.prefer;
  const values = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).split(',');
  const prefs: Preferences = { idType: 'rest' };
  for (const value of values) {
    const match = /^\s*([\w.]+)\s*=\s*"?([^"]*)"?\s*$/.exec(value);
    if (!match) continue;
    const [, name = '', setting = ''] = match;
    switch (name.toLowerCase()) {
      case 'outlook.timezone':
        prefs.timeZone = setting;
        break;
      case 'idtype':
        if (setting.toLowerCase() === 'immutableid') prefs.idType = 'immutable';
        break;
      case 'odata.maxpagesize': {
        const size = Number(setting);
        if (Number.isInteger(size) && size > 0) prefs.maxPageSize = size;
        break;
      }
    }
  }
  return prefs;
}
