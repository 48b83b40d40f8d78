import { z } from 'zod';

/**
 * Injected faults (notes §4 items 9, 25): HTTP errors and 401s before the work, and after it a lost
 * answer, a body cut mid-stream, a truncated or non-JSON 200, or a BOM in front; latency; import items
 * lost (never processed) or processed twice.
 */

const rate = z.number().min(0).max(1).default(1);
const count = z.number().int().positive().optional();

export const FAULT_KINDS = [
  /** An HTTP error status (HTML body), before the work. */
  'error',
  /** 401 `Unauthorized` with good credentials, before the work. */
  'unauthorized',
  /** The work is done, then the connection is destroyed without an answer. */
  'dropResponse',
  /** The work is done, half the body is sent, then the connection is destroyed. */
  'abortBody',
  /** The work is done; a 200 whose JSON is cut short (a complete HTTP response). */
  'truncateBody',
  /** The work is done; a 200 with an HTML maintenance page. */
  'nonJson',
  /** The work is done; the JSON comes after a UTF-8 BOM and a line break. */
  'bom',
] as const;

const ruleSchema = z
  .object({
    fault: z.enum(FAULT_KINDS),
    on: z.enum(['report', 'import']).optional(),
    /** Only calls of this report reference. */
    reference: z.string().optional(),
    /** Only import items of this action (`stringValue`). */
    action: z.string().optional(),
    status: z
      .union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)])
      .default(503),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    rate,
    count,
  })
  .strict();

const importRule = z.object({ rate, count }).strict();

export const faultsSchema = z
  .object({
    rules: z.array(ruleSchema).default([]),
    latencyMs: z.number().int().nonnegative().default(0),
    imports: z.object({ lose: importRule.optional(), duplicate: importRule.optional() }).strict().default({}),
  })
  .strict();

export type Faults = z.infer<typeof faultsSchema>;
export type FaultRule = Faults['rules'][number];

export interface CallInfo {
  kind: 'report' | 'import' | 'other';
  reference?: string;
  action?: string;
}

const BEFORE: readonly string[] = ['error', 'unauthorized'];

export class FaultGate {
  faults: Faults = faultsSchema.parse({});
  injected: Record<string, number> = {};
  private spent = new Map<unknown, number>();

  constructor(private readonly random: () => number) {}

  set(faults: Faults): void {
    this.faults = faults;
    this.spent = new Map();
  }

  reset(): void {
    this.set(faultsSchema.parse({}));
    this.injected = {};
  }

  /** The rule that answers this call instead of doing its work. */
  before(call: CallInfo): FaultRule | undefined {
    return this.pick(call, (rule) => BEFORE.includes(rule.fault));
  }

  /** The rule that spoils this call's answer after its work was done. */
  after(call: CallInfo): FaultRule | undefined {
    return this.pick(call, (rule) => !BEFORE.includes(rule.fault));
  }

  /** Whether this import item is lost, or processed a second time. */
  importFault(kind: 'lose' | 'duplicate'): boolean {
    const rule = this.faults.imports[kind];
    if (!rule || !this.take(rule, rule.rate, rule.count)) return false;
    this.count(`import:${kind}`);
    return true;
  }

  private pick(call: CallInfo, phase: (rule: FaultRule) => boolean): FaultRule | undefined {
    const rule = this.faults.rules.find(
      (candidate) =>
        phase(candidate) &&
        (candidate.on === undefined || candidate.on === call.kind) &&
        (candidate.reference === undefined || candidate.reference === call.reference) &&
        (candidate.action === undefined || candidate.action === call.action) &&
        this.take(candidate, candidate.rate, candidate.count),
    );
    if (rule) this.count(rule.fault === 'error' ? String(rule.status) : rule.fault);
    return rule;
  }

  private take(rule: unknown, share: number, limit: number | undefined): boolean {
    const used = this.spent.get(rule) ?? 0;
    if (limit !== undefined && used >= limit) return false;
    if (this.random() >= share) return false;
    this.spent.set(rule, used + 1);
    return true;
  }

  private count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }
}
