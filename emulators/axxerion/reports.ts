import { z } from 'zod';
import type { Profile } from './profile';
import {
  DEFAULT_REFERENCE_SUFFIX,
  REPORT_KIND_NAMES,
  REPORT_KINDS,
  type Filter,
  type ReportKindName,
} from './report-kinds';
import type { Store } from './store';

/**
 * `completereportresult`: reports registered by reference (notes items 12-16), filtered by parallel
 * arrays of field codes and string values, rows keyed by the report's column labels. Every problem is
 * a 200 with `data: []` and an `errorMessage` (item 21), never an HTTP error.
 */

export interface ReportDefinition {
  reference: string;
  kind: ReportKindName;
  /** Label overrides by column key; the rest come from the profile's language. */
  labels: Record<string, string>;
}

const requestSchema = z.looseObject({
  reference: z.string(),
  filterFields: z.array(z.string()).optional(),
  filterValues: z
    .array(
      z.union([
        z.string(),
        z.number(),
        z.looseObject({ o: z.number().int(), v: z.union([z.string(), z.number()]).optional() }),
      ]),
    )
    .optional(),
});

export type ReportAnswer =
  | { reference: string; rows: Record<string, string>[] }
  | { reference: string | undefined; errorMessage: string };

export class ReportRegistry {
  private readonly reports = new Map<string, ReportDefinition>();

  registerDefaults(org: string): void {
    this.reports.clear();
    for (const kind of REPORT_KIND_NAMES)
      this.register({
        reference: `${org.toUpperCase()}-${DEFAULT_REFERENCE_SUFFIX[kind]}`,
        kind,
        labels: {},
      });
  }

  register(definition: ReportDefinition): void {
    this.reports.set(definition.reference, definition);
  }

  remove(reference: string): boolean {
    return this.reports.delete(reference);
  }

  /** Each report with its filter fields and the labels its rows carry under `profile`. */
  describe(
    profile: Profile,
  ): { reference: string; kind: ReportKindName; filterFields: string[]; labels: Record<string, string> }[] {
    return [...this.reports.values()].map((definition) => ({
      reference: definition.reference,
      kind: definition.kind,
      filterFields: REPORT_KINDS[definition.kind].fieldNames,
      labels: this.labels(definition, profile),
    }));
  }

  run(body: unknown, store: Store, profile: Profile): ReportAnswer {
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) return { reference: undefined, errorMessage: 'Unable to read the report request' };
    const { reference, filterFields = [], filterValues = [] } = parsed.data;
    const definition = this.reports.get(reference);
    if (!definition) return { reference, errorMessage: `Report with reference '${reference}' not found` };
    if (filterFields.length !== filterValues.length)
      return {
        reference,
        errorMessage: `Number of filter fields (${filterFields.length}) does not match the number of filter values (${filterValues.length})`,
      };
    const kind = REPORT_KINDS[definition.kind];
    const filters: Filter[] = [];
    for (const [index, field] of filterFields.entries()) {
      if (!kind.fieldNames.includes(field))
        return { reference, errorMessage: `Filter field '${field}' is not defined on report '${reference}'` };
      const value = filterValues[index] ?? '';
      if (typeof value !== 'object') filters.push({ field, value: { op: 'equals', text: String(value) } });
      else if (value.o === profile.notEmptyOperator) filters.push({ field, value: { op: 'notEmpty' } });
      else return { reference, errorMessage: `Unknown filter operator ${value.o}` };
    }
    const labels = this.labels(definition, profile);
    const rows = kind
      .run(store, profile, filters)
      .map((row) =>
        Object.fromEntries(kind.columns.map((column) => [labels[column] ?? column, row[column] ?? ''])),
      );
    return { reference, rows };
  }

  private labels(definition: ReportDefinition, profile: Profile): Record<string, string> {
    return { ...REPORT_KINDS[definition.kind].labels[profile.labels], ...definition.labels };
  }
}
