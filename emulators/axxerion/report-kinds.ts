import { formatInstant, parseFilterDate } from './dates';
import {
  ITEM_COLUMNS,
  ITEM_LABELS,
  LOG_COLUMNS,
  LOG_LABELS,
  PARTICIPANT_COLUMNS,
  PARTICIPANT_LABELS,
  ROOM_COLUMNS,
  ROOM_LABELS,
  yesNo,
  type Language,
} from './labels';
import type { Area, ImportLogEntry, Participant, Reservation, ReservationItem } from './model';
import type { Profile } from './profile';
import type { Store } from './store';

/**
 * What each kind of report a consultant builds returns: its filter fields (internal codes), its rows
 * in the report's sort order, and each row's values as the tenant writes them (all strings).
 */

export const REPORT_KIND_NAMES = [
  'rooms',
  'window',
  'byExternalReference',
  'byId',
  'bySeries',
  'changes',
  'participants',
  'importLog',
] as const;

export type ReportKindName = (typeof REPORT_KIND_NAMES)[number];

export type FieldSpec<R> =
  | { type: 'text'; get: (record: R) => string }
  | { type: 'date'; test: (record: R, instant: number) => boolean };

interface KindSpec<R> {
  columns: readonly string[];
  labels: Record<Language, Record<string, string>>;
  fields: Record<string, FieldSpec<R>>;
  records: (store: Store, profile: Profile) => R[];
  render: (record: R, profile: Profile) => Record<string, string>;
}

export type FilterValue = { op: 'equals'; text: string } | { op: 'notEmpty' };

export interface Filter {
  field: string;
  value: FilterValue;
}

/** A report kind with its record type closed over, so the registry can hold kinds of every type. */
export interface ReportKind {
  columns: readonly string[];
  labels: Record<Language, Record<string, string>>;
  fieldNames: string[];
  /** Every filter applies (AND); the caller has checked the field names against `fieldNames`. */
  run(store: Store, profile: Profile, filters: Filter[]): Record<string, string>[];
}

function predicate<R>(spec: FieldSpec<R>, value: FilterValue, profile: Profile): (record: R) => boolean {
  if (spec.type === 'text')
    return value.op === 'notEmpty' ? (r) => spec.get(r) !== '' : (r) => spec.get(r) === value.text;
  if (value.op === 'notEmpty') return () => true;
  const instant = parseFilterDate(value.text, profile.dateFormat, profile.timeZone);
  // A value in another format is no date to the tenant: the filter matches nothing, and says nothing.
  if (instant === undefined) return () => false;
  return (r) => spec.test(r, instant);
}

function kind<R>(spec: KindSpec<R>): ReportKind {
  return {
    columns: spec.columns,
    labels: spec.labels,
    fieldNames: Object.keys(spec.fields),
    run(store, profile, filters) {
      const tests = filters.map(({ field, value }) => {
        const fieldSpec = spec.fields[field];
        return fieldSpec ? predicate(fieldSpec, value, profile) : () => false;
      });
      return spec
        .records(store, profile)
        .filter((record) => tests.every((test) => test(record)))
        .map((record) => spec.render(record, profile));
    },
  };
}

interface ItemRecord {
  reservation: Reservation;
  item: ReservationItem;
}

const rowFormat = (profile: Profile): string => profile.rowDateFormat ?? profile.dateFormat;
const show = (ms: number, profile: Profile): string =>
  formatInstant(ms, rowFormat(profile), profile.timeZone);

/** S2 saw lower-case variants of workflow statuses; `mixed` writes them so for about half the ids. */
export function statusText(status: string, id: string, profile: Profile): string {
  const lower = Math.floor(Number(id.slice(-2)) / 2) % 2 === 1;
  return profile.statusCase === 'mixed' && lower ? status.toLowerCase() : status;
}

const byKey =
  <R>(...keys: ((record: R) => number | string)[]) =>
  (a: R, b: R): number => {
    for (const key of keys) {
      const [x, y] = [key(a), key(b)];
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };

const itemRecords =
  (order: (a: ItemRecord, b: ItemRecord) => number) =>
  (store: Store): ItemRecord[] =>
    store
      .visibleReservations()
      .flatMap((reservation) => reservation.items.map((item) => ({ reservation, item })))
      .sort(order);

const byReservationThenItem = byKey<ItemRecord>(
  (r) => r.reservation.id,
  (r) => r.item.id,
);

function renderItem({ reservation: r, item }: ItemRecord, profile: Profile): Record<string, string> {
  return {
    reservationId: r.id,
    reservationReference: r.reference,
    itemId: item.id,
    areaReference: item.areaReference,
    subject: r.subject,
    from: show(r.start, profile),
    until: show(r.end, profile),
    requestorEmail: r.requestorEmail,
    status: statusText(r.status, r.id, profile),
    itemStatus: statusText(item.status, item.id, profile),
    externalReference: r.externalReference,
    seriesExternalReference: r.seriesExternalReference,
    originalStart: r.occurrenceOriginalStart === null ? '' : show(r.occurrenceOriginalStart, profile),
    updateTime: show(r.updateTime, profile),
    updatedBy: r.updatedBy,
  };
}

const text = <R>(get: (record: R) => string): FieldSpec<R> => ({ type: 'text', get });
const date = <R>(test: (record: R, instant: number) => boolean): FieldSpec<R> => ({ type: 'date', test });

const itemKind = (fields: Record<string, FieldSpec<ItemRecord>>, order = byReservationThenItem) =>
  kind<ItemRecord>({
    columns: ITEM_COLUMNS,
    labels: ITEM_LABELS,
    fields,
    records: itemRecords(order),
    render: renderItem,
  });

const areaReference = text<ItemRecord>((r) => r.item.areaReference);

export const REPORT_KINDS = {
  rooms: kind<Area>({
    columns: ROOM_COLUMNS,
    labels: ROOM_LABELS,
    fields: { reference: text((area) => area.reference) },
    records: (store) => [...store.areas.values()].sort(byKey((area) => area.id)),
    render: (area, profile) => ({
      id: area.id,
      reference: area.reference,
      name: area.name,
      email: area.email,
      property: area.property,
      capacity: area.capacity === null ? '' : String(area.capacity),
      reservable: yesNo(area.reservable, profile.labels),
    }),
  }),
  /** Items of one area overlapping [startDate, endDate). */
  window: itemKind(
    {
      areaReference,
      startDate: date((r, instant) => r.reservation.end > instant),
      endDate: date((r, instant) => r.reservation.start < instant),
    },
    byKey(
      (r) => r.reservation.start,
      (r) => r.reservation.id,
      (r) => r.item.id,
    ),
  ),
  byExternalReference: itemKind({ externalReference: text((r) => r.reservation.externalReference) }),
  byId: itemKind({ reservationId: text((r) => r.reservation.id) }),
  bySeries: itemKind({ seriesExternalReference: text((r) => r.reservation.seriesExternalReference) }),
  /** Items whose reservation's UpdateTime is in [updateTime, updateTimeUntil), oldest first. */
  changes: itemKind(
    {
      updateTime: date((r, instant) => r.reservation.updateTime >= instant),
      updateTimeUntil: date((r, instant) => r.reservation.updateTime < instant),
      areaReference,
    },
    byKey(
      (r) => r.reservation.updateTime,
      (r) => r.reservation.id,
      (r) => r.item.id,
    ),
  ),
  participants: kind<{ reservation: Reservation; participant: Participant }>({
    columns: PARTICIPANT_COLUMNS,
    labels: PARTICIPANT_LABELS,
    fields: { reservationId: text((r) => r.reservation.id) },
    records: (store, profile) =>
      store
        .visibleReservations(profile.participantsLagMs)
        .sort(byKey((reservation) => reservation.id))
        .flatMap((reservation) =>
          reservation.participants.map((participant) => ({ reservation, participant })),
        ),
    render: ({ reservation, participant }, profile) => ({
      reservationId: reservation.id,
      email: participant.email,
      name: participant.name,
      required: yesNo(participant.required, profile.labels),
      visitor: yesNo(participant.visitor, profile.labels),
    }),
  }),
  importLog: kind<ImportLogEntry>({
    columns: LOG_COLUMNS,
    labels: LOG_LABELS,
    fields: { importItemId: text((entry) => entry.id), correlationId: text((entry) => entry.correlationId) },
    records: (store) => store.visibleLog().sort(byKey((entry) => entry.id)),
    render: (entry, profile) => ({
      importItemId: entry.id,
      correlationId: entry.correlationId,
      action: entry.action,
      status: entry.status,
      error: entry.error,
      warning: entry.warning,
      reservationId: entry.reservationId,
      externalReference: entry.externalReference,
      created: show(entry.created, profile),
      processed: entry.processed === null ? '' : show(entry.processed, profile),
    }),
  }),
} satisfies Record<ReportKindName, ReportKind>;

/** The references a consultant would give the reports, `<ORG>-RS-…` (notes §3.1). */
export const DEFAULT_REFERENCE_SUFFIX: Record<ReportKindName, string> = {
  rooms: 'RS-ROOMS',
  window: 'RS-RES-WINDOW',
  byExternalReference: 'RS-RES-BY-EXTREF',
  byId: 'RS-RES-BY-ID',
  bySeries: 'RS-RES-BY-SERIES',
  changes: 'RS-RES-CHANGED',
  participants: 'RS-PARTICIPANTS',
  importLog: 'RS-IMPORTLOG',
};
