import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * The tenant's configuration and the behaviour switches. Defaults take the hardest reading for the sync
 * where the public sources are silent (README.md names the source of each).
 */

const zone = z.string().refine((value) => IANAZone.isValidZone(value), 'not an IANA time zone');
const dateFormat = z
  .string()
  .min(1)
  .refine((format) => DateTime.fromMillis(0).toFormat(format).length > 0, 'not a luxon format');

export const profileSchema = z
  .object({
    /** The organization in the path, `/webservices/<org>/rest/...`; matched case-sensitively. */
    org: z.string().regex(/^[A-Za-z0-9_-]+$/),
    user: z.string().min(1),
    password: z.string().min(1),
    /** The ImportItem datasource the consultant's logic picks up; others fail in the log. */
    datasource: z.string().min(1),
    /** Filter values and rows: the tenant's date format (luxon tokens) in the tenant's zone. */
    dateFormat,
    /** Rows only, when the tenant echoes another format than it takes (US: `M/d/yy h:mm a`). */
    rowDateFormat: dateFormat.nullable(),
    timeZone: zone,
    labels: z.enum(['en', 'nl']),
    updateTimeResolution: z.enum(['minute', 'second']),
    /** Added to the real clock for everything the emulator stamps (UpdateTime, log times). */
    clockSkewMs: z.number().int(),
    importMode: z.enum(['async', 'sync']),
    processingDelayMs: z.number().int().nonnegative(),
    processingJitterMs: z.number().int().nonnegative(),
    visibilityDelayMs: z.number().int().nonnegative(),
    visibilityJitterMs: z.number().int().nonnegative(),
    /** How much later than the reservation row a participants change shows in the participants report. */
    participantsLagMs: z.number().int().nonnegative(),
    /** Whether a change of participants only moves the reservation's UpdateTime. */
    participantsBumpUpdateTime: z.boolean(),
    rowLimit: z.number().int().positive(),
    /** Past rowLimit: the first rows only, silently, or the connection dropped mid-body. */
    overflow: z.enum(['truncate', 'abort']),
    msPerRow: z.number().nonnegative(),
    /** What cancelling does: a status (rows stay) or a hard delete (rows vanish). */
    cancelMode: z.enum(['status', 'delete']),
    /** A room already taken: the whole import item fails, the item is stored Rejected, or left out. */
    conflict: z.enum(['fail', 'rejectItem', 'omitItem']),
    unknownRequestor: z.enum(['reject', 'fallback']),
    fallbackRequestor: z.email(),
    /** `check`: a `baseUpdateTime` older than the stored UpdateTime fails; `ignore`: silently unused. */
    baseUpdateTime: z.enum(['ignore', 'check']),
    subjectMaxLength: z.number().int().positive(),
    externalReferenceMaxLength: z.number().int().positive(),
    /** The `{o, v}` operator code meaning "not empty" (S3 sends 130). */
    notEmptyOperator: z.number().int(),
    /** `mixed`: status values come back in Title case or lower case depending on the row. */
    statusCase: z.enum(['mixed', 'exact']),
    /** A wrong organization: a 200 HTML login page, or 404 HTML. */
    unknownOrg: z.enum(['loginPage', 'notFound']),
    /** After `failures` bad logins within `windowMs`, the user gets 401 for `lockMs`, right password or not. */
    lockout: z
      .object({
        failures: z.number().int().positive(),
        windowMs: z.number().int().positive(),
        lockMs: z.number().int().positive(),
      })
      .strict()
      .nullable(),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema>;

export const DEFAULT_PROFILE: Profile = {
  org: 'Contoso',
  user: 'roomsync-api',
  password: 'axxerion-dev-password',
  datasource: 'roomsync',
  dateFormat: 'dd-MM-yyyy HH:mm',
  rowDateFormat: null,
  timeZone: 'Europe/Amsterdam',
  labels: 'en',
  updateTimeResolution: 'minute',
  clockSkewMs: -75_000,
  importMode: 'async',
  processingDelayMs: 500,
  processingJitterMs: 1_000,
  visibilityDelayMs: 0,
  visibilityJitterMs: 2_000,
  participantsLagMs: 1_000,
  participantsBumpUpdateTime: true,
  rowLimit: 200,
  overflow: 'truncate',
  msPerRow: 0,
  cancelMode: 'status',
  conflict: 'fail',
  unknownRequestor: 'reject',
  fallbackRequestor: 'reservations@contoso.com',
  baseUpdateTime: 'ignore',
  subjectMaxLength: 100,
  externalReferenceMaxLength: 255,
  notEmptyOperator: 130,
  statusCase: 'mixed',
  unknownOrg: 'loginPage',
  lockout: { failures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
};

/** Named starting points; a profile change names one (applied over the defaults) or merges into the current. */
export const PRESETS = {
  default: {},
  /** A US tenant: S3 filters with `MM/dd/yyyy hh:mm a`, S2 reads `M/D/YY h:mm AM/PM` back. */
  us: {
    dateFormat: 'MM/dd/yyyy hh:mm a',
    rowDateFormat: 'M/d/yy h:mm a',
    timeZone: 'America/Los_Angeles',
  },
  /** S1c's older tenant: processing inside the call, errors in the 200 body. */
  'v1-sync': { importMode: 'sync' },
  /** Cancelling deletes the reservation: it vanishes from every report. */
  'hard-delete': { cancelMode: 'delete' },
  /** Dutch column labels (S1 reads `Naam`, `Referentie`). */
  nl: { labels: 'nl' },
} satisfies Record<string, Partial<Profile>>;

export const profileChangeSchema = profileSchema
  .partial()
  .extend({ preset: z.enum(['default', 'us', 'v1-sync', 'hard-delete', 'nl']).optional() })
  .strict();

export type ProfileChange = z.infer<typeof profileChangeSchema>;

export function applyProfileChange(current: Profile, change: ProfileChange): Profile {
  const { preset, ...fields } = change;
  const base = preset === undefined ? current : { ...DEFAULT_PROFILE, ...PRESETS[preset] };
  return profileSchema.parse({ ...base, ...fields });
}
