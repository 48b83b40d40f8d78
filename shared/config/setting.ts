import type { GraphAuth } from '../graph/credentials';
import type { WorkplaceAuth } from '../workplace/auth';
import type { Environment } from './types';

/** What is wrong with one setting's value, in a few words ("missing", "not a URL"). */
export class SettingProblem extends Error {}

export const GRAPH_AUTH_KINDS = [
  'clientSecret',
  'certificate',
  'managedIdentity',
] as const satisfies readonly GraphAuth['kind'][];
export const WORKPLACE_AUTH_KINDS = [
  'apiKey',
  'clientCredentials',
] as const satisfies readonly WorkplaceAuth['kind'][];
export const STORAGE_KINDS = ['connectionString', 'accountName', 'serviceUris'] as const;

/**
 * The ways one deployment differs from another. Each picks which settings are read and which are
 * required; the names of the Graph and Workplace ones are infra/main.bicep's parameters.
 */
export interface Variants {
  graphAuth: (typeof GRAPH_AUTH_KINDS)[number];
  workplaceAuth: (typeof WORKPLACE_AUTH_KINDS)[number];
  storage: (typeof STORAGE_KINDS)[number];
}

/** Some variants: a setting belongs to them when, for each dimension listed, the variant is among its values. */
export type VariantCondition = { readonly [D in keyof Variants]?: readonly Variants[D][] };

/** One setting, declared once: it drives the loader, the README's table and the infra test. */
export interface Setting<T> {
  /** The environment variable (the app setting in Azure). */
  readonly name: string;
  /** What it means, for the README. */
  readonly meaning: string;
  /** Shown in errors: what a valid value looks like (the default is added). */
  readonly expects: string;
  /** Never echoed in an error message (it holds, or may hold, a key). */
  readonly secret?: true;
  /** Taken when the setting is unset or blank. */
  readonly default?: T;
  /** For an optional setting without a default: what leaving it unset means, for the README. */
  readonly unset?: string;
  /** What the sandbox (`npm start`) puts here when it is unset, for the README. */
  readonly sandbox?: string;
  /** Read only in these variants (in every variant without it). */
  readonly only?: VariantCondition;
  /** Unset is a problem ("missing"): wherever it is read (true), or only in these variants. */
  readonly required?: true | VariantCondition;
  /** A trimmed, non-blank value to what the service uses; throws SettingProblem saying what is wrong. */
  readonly parse: (value: string) => T;
}

/** Declares a setting (the identity, there to infer T from `parse`). */
export function setting<T>(declaration: Setting<T>): Setting<T> {
  return declaration;
}

/** One dimension of Variants: its values, and how the environment picks one. */
export interface Dimension<V extends string> {
  /** For the README, e.g. "Graph sign-in". */
  readonly title: string;
  readonly values: readonly [V, ...V[]];
  /** The settings whose values pick the variant: read in every variant. */
  readonly selectedBy: readonly Setting<unknown>[];
  /** For the README: how the environment picks a value (names each value in backticks). */
  readonly explain: string;
  /**
   * Picks the value from the selecting settings' trimmed values (undefined when blank). A selecting
   * setting with a bad value picks the value the rest are checked for; that setting reports the problem.
   */
  readonly select: (valueOf: (selecting: Setting<unknown>) => string | undefined) => V;
}

export type Dimensions = { readonly [D in keyof Variants]: Dimension<Variants[D]> };

export const DIMENSION_NAMES = [
  'graphAuth',
  'workplaceAuth',
  'storage',
] as const satisfies readonly (keyof Variants)[];

/** Every combination of the dimensions' values. */
export function allVariants(dimensions: Dimensions): Variants[] {
  return dimensions.graphAuth.values.flatMap((graphAuth) =>
    dimensions.workplaceAuth.values.flatMap((workplaceAuth) =>
      dimensions.storage.values.map((storage) => ({ graphAuth, workplaceAuth, storage })),
    ),
  );
}

export function matches(condition: VariantCondition, variants: Variants): boolean {
  return DIMENSION_NAMES.every((d) => condition[d]?.some((value) => value === variants[d]) ?? true);
}

/** Whether the loader reads `s` in `variants` (a selecting setting is also read to pick the variant). */
export function readIn(s: Setting<unknown>, variants: Variants): boolean {
  return s.only === undefined || matches(s.only, variants);
}

export function requiredIn(s: Setting<unknown>, variants: Variants): boolean {
  if (!readIn(s, variants) || s.required === undefined) return false;
  return s.required === true || matches(s.required, variants);
}

/** The default as the README and the errors show it (defaults are strings or numbers). */
export function defaultOf(s: Setting<unknown>): string | undefined {
  const value = s.default;
  if (value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new Error(`${s.name}: a default is a string or a number`);
}

export function expectsOf(s: Setting<unknown>): string {
  const value = defaultOf(s);
  return value === undefined ? s.expects : `${s.expects}; default ${value}`;
}

/** `NAME: problem (got "value"); expected …`, the value left out when it is secret or absent. */
export function describeProblem(s: Setting<unknown>, raw: string | undefined, problem: string): string {
  const got = raw === undefined || s.secret ? problem : `${problem} (got ${JSON.stringify(raw)})`;
  return `${s.name}: ${got}; expected ${expectsOf(s)}`;
}

/**
 * The value of `s` in `env` for `variants`: undefined when it is not read there, or unset and optional;
 * its default when unset; throws SettingProblem when it is missing or bad.
 */
export function evaluate<T>(s: Setting<T>, env: Environment, variants: Variants): T | undefined {
  if (!readIn(s, variants)) return undefined;
  const value = env[s.name]?.trim();
  if (!value) {
    if (s.default !== undefined) return s.default;
    if (requiredIn(s, variants)) throw new SettingProblem('missing');
    return undefined;
  }
  return s.parse(value);
}
