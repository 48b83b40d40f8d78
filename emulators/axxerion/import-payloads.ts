import { z } from 'zod';

/**
 * The JSON inside `clobMBValue`, as the consultant's logic reads it (the contract in README.md). The
 * logic ignores fields it does not know, like any import mapping, except the series fields it refuses.
 */

const text = z.string().min(1);

export const upsertSchema = z.looseObject({
  correlationId: text,
  externalReference: text.optional(),
  reservationId: text.optional(),
  baseUpdateTime: text.optional(),
  requestorEmail: text,
  subject: text,
  start: text,
  end: text,
  timeZone: text.optional(),
  items: z.array(z.looseObject({ areaReference: text })).min(1),
  participants: z
    .array(z.looseObject({ email: text, name: z.string().optional(), required: z.boolean().optional() }))
    .optional(),
  seriesExternalReference: text.optional(),
  occurrenceOriginalStart: text.optional(),
});

export const cancelSchema = z.looseObject({
  correlationId: text,
  reservationId: text.optional(),
  externalReference: text.optional(),
  seriesExternalReference: text.optional(),
  reason: z.string().optional(),
});

export const itemRemoveSchema = z.looseObject({
  correlationId: text,
  reservationId: text.optional(),
  externalReference: text.optional(),
  areaReference: text,
});

/** Fields of a series payload: the occurrences contract has none (notes §4 item 27). */
export const SERIES_FIELDS = ['recurrence', 'rrule', 'recurrencePattern', 'exceptions'];

/** The logic's message for the first problem zod found, in the tenant's wording. */
export function payloadError(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue?.path.join('.') ?? '';
  const missing = issue?.code === 'invalid_type' && issue.input === undefined;
  return missing ? `Mandatory field ${path} is missing` : `Field ${path || 'clobMBValue'} is not valid`;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * `clobMBValue` as a strict base64 decoder reads it (standard alphabet, no whitespace, padding optional),
 * then UTF-8 and JSON; undefined when any step fails. S1c's older raw-JSON shape therefore fails.
 */
export function decodeClob(value: unknown): { ok: true; json: unknown } | { ok: false } {
  if (typeof value !== 'string' || !BASE64.test(value) || value.replace(/=+$/, '').length % 4 === 1)
    return { ok: false };
  try {
    const utf8 = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'base64'));
    return { ok: true, json: JSON.parse(utf8) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The payload's correlation id and external reference, when it has them, for the log entry. */
export function logKeys(json: unknown): { correlationId: string; externalReference: string } {
  const keys = z
    .looseObject({ correlationId: z.string().catch(''), externalReference: z.string().catch('') })
    .catch({ correlationId: '', externalReference: '' })
    .parse(json);
  return { correlationId: keys.correlationId, externalReference: keys.externalReference };
}
