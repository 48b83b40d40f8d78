import { IANAZone } from 'luxon';
import { formatInstant, parseIsoWithOffset } from './dates';
import { cancelSchema, itemRemoveSchema, payloadError, SERIES_FIELDS, upsertSchema } from './import-payloads';
import type { ItemStatus, Reservation } from './model';
import type { Profile } from './profile';
import type { Store } from './store';
import { cancelReservation, itemsFor, onlyParticipantsDiffer, saveChange } from './writes';

/**
 * The consultant's import logic for roomsync's actions (README.md, "Import actions"): what one import
 * item does to the tenant's data, and the texts it leaves in the import log (PostNL's wording, item 36).
 */

export interface Outcome {
  ok: boolean;
  error: string;
  warning: string;
  reservationId: string;
  /** What the sync profile answers in `response`: `none` for a failure. */
  response: 'created' | 'updated' | 'cancelled' | 'removed' | 'none';
}

const failed = (error: string, reservationId = ''): Outcome => ({
  ok: false,
  error,
  warning: '',
  reservationId,
  response: 'none',
});

export const ACTIONS = ['ReservationUpsert', 'ReservationCancel', 'ReservationItemRemove'] as const;

export function applyImport(store: Store, profile: Profile, action: string, payload: unknown): Outcome {
  switch (action) {
    case 'ReservationUpsert':
      return upsert(store, profile, payload);
    case 'ReservationCancel':
      return cancel(store, profile, payload);
    case 'ReservationItemRemove':
      return removeItem(store, profile, payload);
    default:
      return failed(`No import logic for action '${action}'`);
  }
}

function findTarget(
  store: Store,
  keys: { reservationId?: string | undefined; externalReference?: string | undefined },
): Reservation | string {
  if (keys.reservationId !== undefined)
    return (
      store.reservations.get(keys.reservationId) ??
      `Reservation ${keys.reservationId} is not known in Axxerion`
    );
  if (keys.externalReference !== undefined)
    return (
      store.findByExternalReference(keys.externalReference) ??
      `Reservation with external reference ${keys.externalReference} is not known in Axxerion`
    );
  return 'Mandatory field externalReference is missing';
}

const notConfirmed = (reservation: Reservation): string =>
  `Reservation ${reservation.reference} is not in status Confirmed`;

function upsert(store: Store, profile: Profile, payload: unknown): Outcome {
  if (typeof payload === 'object' && payload !== null && SERIES_FIELDS.some((field) => field in payload))
    return failed('Recurring reservations cannot be imported; send each occurrence as its own reservation');
  const parsed = upsertSchema.safeParse(payload);
  if (!parsed.success) return failed(payloadError(parsed.error));
  const input = parsed.data;
  if (input.reservationId === undefined && input.externalReference === undefined)
    return failed('Mandatory field externalReference is missing');
  if ((input.externalReference ?? '').length > profile.externalReferenceMaxLength)
    return failed(`External reference exceeds ${profile.externalReferenceMaxLength} characters`);
  const start = parseIsoWithOffset(input.start);
  const end = parseIsoWithOffset(input.end);
  const originalStart =
    input.occurrenceOriginalStart === undefined ? null : parseIsoWithOffset(input.occurrenceOriginalStart);
  if (start === undefined) return failed('Start dateformat is not valid');
  if (end === undefined) return failed('End dateformat is not valid');
  if (originalStart === undefined) return failed('OccurrenceOriginalStart dateformat is not valid');
  if (end <= start) return failed('End must be after Start');
  const timeZone = input.timeZone ?? profile.timeZone;
  if (!IANAZone.isValidZone(timeZone)) return failed(`Time zone ${timeZone} is not known`);

  let target: Reservation | undefined;
  if (input.reservationId !== undefined) {
    const found = findTarget(store, { reservationId: input.reservationId });
    if (typeof found === 'string') return failed(found);
    target = found;
  } else if (input.externalReference !== undefined) {
    // The first one found: two reservations sharing a reference do not heal (notes §4 item 17).
    target = store.findByExternalReference(input.externalReference);
  }
  if (target?.status === 'Cancelled') return failed(notConfirmed(target), target.id);
  if (target && input.baseUpdateTime !== undefined && profile.baseUpdateTime === 'check') {
    const shown = [profile.dateFormat, profile.rowDateFormat ?? profile.dateFormat].map((format) =>
      formatInstant(target.updateTime, format, profile.timeZone),
    );
    if (!shown.includes(input.baseUpdateTime))
      return failed(`Reservation ${target.reference} has been changed by ${target.updatedBy}`, target.id);
  }

  const warnings: string[] = [];
  let requestorEmail = input.requestorEmail;
  if (!store.person(requestorEmail)) {
    if (profile.unknownRequestor === 'reject')
      return failed(`Requestor ${requestorEmail} is not known in Axxerion`);
    warnings.push(`Requestor ${requestorEmail} is not known in Axxerion; ${profile.fallbackRequestor} used`);
    requestorEmail = profile.fallbackRequestor;
  }
  let subject = input.subject;
  if (subject.length > profile.subjectMaxLength) {
    subject = subject.slice(0, profile.subjectMaxLength);
    warnings.push(`Subject truncated to ${profile.subjectMaxLength} characters`);
  }

  const areas: { areaReference: string; status: ItemStatus }[] = [];
  let conflictError = '';
  for (const { areaReference } of input.items) {
    const area = store.areas.get(areaReference);
    if (!area) return failed(`Area reference ${areaReference} is not known in Axxerion`, target?.id);
    if (!area.reservable) return failed(`Area ${areaReference} is not reservable`, target?.id);
    if (areas.some((other) => other.areaReference === areaReference))
      return failed(`Area ${areaReference} appears more than once`, target?.id);
    const other = store.conflict(areaReference, start, end, target?.id);
    if (!other) {
      areas.push({ areaReference, status: 'Confirmed' });
      continue;
    }
    const show = (ms: number) => formatInstant(ms, profile.dateFormat, profile.timeZone);
    conflictError = `Area ${areaReference} is already reserved from ${show(other.start)} until ${show(other.end)} (${other.reference})`;
    if (profile.conflict === 'fail') return failed(conflictError, target?.id);
    if (profile.conflict === 'rejectItem') {
      areas.push({ areaReference, status: 'Rejected' });
      warnings.push(conflictError);
    }
  }
  if (areas.length === 0) return failed(conflictError, target?.id);

  const reservation: Reservation = {
    id: target?.id ?? store.nextId(),
    reference: target?.reference ?? store.nextReservationReference(),
    externalReference: input.externalReference ?? target?.externalReference ?? '',
    seriesExternalReference: input.seriesExternalReference ?? target?.seriesExternalReference ?? '',
    occurrenceOriginalStart: originalStart ?? target?.occurrenceOriginalStart ?? null,
    subject,
    start,
    end,
    timeZone,
    requestorEmail,
    participants: (input.participants ?? []).map((participant) => {
      const person = store.person(participant.email);
      return {
        email: participant.email,
        name: participant.name ?? person?.name ?? '',
        required: participant.required ?? true,
        visitor: person === undefined,
      };
    }),
    status: 'Confirmed',
    items: itemsFor(store, target?.items ?? [], areas),
    createdAt: target?.createdAt ?? store.stamp(),
    updateTime: target?.updateTime ?? 0,
    updatedBy: target?.updatedBy ?? '',
  };
  if (target && !profile.participantsBumpUpdateTime && onlyParticipantsDiffer(target, reservation))
    store.saveReservation({ ...reservation, updatedBy: profile.user });
  else saveChange(store, reservation, profile.user);
  return {
    ok: true,
    error: '',
    warning: warnings.join('; '),
    reservationId: reservation.id,
    response: target ? 'updated' : 'created',
  };
}

function cancel(store: Store, profile: Profile, payload: unknown): Outcome {
  const parsed = cancelSchema.safeParse(payload);
  if (!parsed.success) return failed(payloadError(parsed.error));
  const input = parsed.data;
  let targets: Reservation[];
  if (input.reservationId === undefined && input.externalReference === undefined) {
    if (input.seriesExternalReference === undefined)
      return failed('Mandatory field externalReference is missing');
    targets = store.findBySeries(input.seriesExternalReference);
    if (targets.length === 0)
      return failed(`Series ${input.seriesExternalReference} is not known in Axxerion`);
  } else {
    const found = findTarget(store, input);
    if (typeof found === 'string') return failed(found);
    targets = [found];
  }
  const warnings: string[] = [];
  for (const reservation of targets) {
    if (reservation.status === 'Cancelled')
      warnings.push(`Reservation ${reservation.reference} is already cancelled`);
    else cancelReservation(store, profile, reservation, profile.user);
  }
  return {
    ok: true,
    error: '',
    warning: warnings.join('; '),
    reservationId: targets[0]?.id ?? '',
    response: 'cancelled',
  };
}

function removeItem(store: Store, profile: Profile, payload: unknown): Outcome {
  const parsed = itemRemoveSchema.safeParse(payload);
  if (!parsed.success) return failed(payloadError(parsed.error));
  const input = parsed.data;
  const found = findTarget(store, input);
  if (typeof found === 'string') return failed(found);
  if (found.status !== 'Confirmed') return failed(notConfirmed(found), found.id);
  const items = found.items.filter((item) => item.areaReference !== input.areaReference);
  if (items.length === found.items.length)
    return failed(`Area ${input.areaReference} is not an item of reservation ${found.reference}`, found.id);
  if (items.length === 0)
    return failed(`Reservation ${found.reference} needs at least one item; cancel it instead`, found.id);
  saveChange(store, { ...found, items }, profile.user);
  return { ok: true, error: '', warning: '', reservationId: found.id, response: 'removed' };
}
