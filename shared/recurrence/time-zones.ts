import { IANAZone } from 'luxon';
import { WINDOWS_TO_IANA_MAP, findIana, findWindows } from 'windows-iana';

/**
 * Windows ↔ IANA time zone names from CLDR's windowsZones (the `windows-iana` package). Exchange stores
 * Windows names ("Pacific Standard Time"), sometimes IANA ones, and a few that no table knows
 * ("tzone://Microsoft/Custom", "Customized Time Zone") for zones defined inside an old Outlook item.
 */

const windowsNames = new Map(
  WINDOWS_TO_IANA_MAP.map((entry) => [entry.windowsName.toLowerCase(), entry.windowsName] as const),
);

/** The IANA zone for a Windows zone name (any casing), or undefined when CLDR does not know it. */
export function windowsToIana(name: string): string | undefined {
  const windows = windowsNames.get(name.trim().toLowerCase());
  return windows === undefined ? undefined : findIana(windows)[0];
}

/** The Windows zone for an IANA zone (or one of its aliases), or undefined when CLDR does not map it. */
export function ianaToWindows(name: string): string | undefined {
  return findWindows(name.trim())[0];
}

export interface ResolvedZone {
  /** A valid IANA zone; `UTC` when the name was not understood. */
  zone: string;
  /** False when the name was unknown and UTC was used in its place (the caller should warn). */
  known: boolean;
}

/** Any zone name Graph or Workplace may send, as an IANA zone; unknown names fall back to UTC, never throw. */
export function resolveTimeZone(name: string | null | undefined): ResolvedZone {
  const trimmed = (name ?? '').trim();
  if (/^(utc|gmt|etc\/utc|etc\/gmt|z)$/i.test(trimmed)) return { zone: 'UTC', known: true };
  const fromWindows = windowsToIana(trimmed);
  if (fromWindows) return { zone: fromWindows, known: true };
  if (trimmed !== '' && IANAZone.isValidZone(trimmed)) return { zone: trimmed, known: true };
  return { zone: 'UTC', known: false };
}

/**
 * The name to write into Graph for an IANA zone: its Windows name, which every mailbox accepts (Graph
 * takes only a fixed list of IANA names), or the IANA name when CLDR has no Windows equivalent.
 */
export function graphZoneName(iana: string): string {
  if (iana === 'UTC') return 'UTC';
  return ianaToWindows(iana) ?? iana;
}
