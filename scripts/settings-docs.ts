/**
 * `npm run docs:settings`: writes the README's settings table from the registry (shared/config/settings.ts)
 * between its two markers, formatted as Prettier would. `--check` writes nothing and fails when the README
 * is not what the registry gives (test/unit/settings-registry.test.ts checks the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { DIMENSIONS, SETTINGS } from '../shared/config/settings';
import {
  DIMENSION_NAMES,
  allVariants,
  defaultOf,
  readIn,
  requiredIn,
  type Dimensions,
  type Setting,
  type VariantCondition,
  type Variants,
} from '../shared/config/setting';

export const README = path.join(__dirname, '..', 'README.md');
export const START = '<!-- settings: generated from shared/config/settings.ts by `npm run docs:settings` -->';
export const END = '<!-- settings: end -->';

const code = (text: string): string => `\`${text}\``;

function conditionText(condition: VariantCondition): string {
  return DIMENSION_NAMES.flatMap((d) => condition[d] ?? [])
    .map(code)
    .join(', ');
}

function defaultText(s: Setting<unknown>, variants: Variants[]): string {
  const parts: string[] = [];
  const read = variants.filter((v) => readIn(s, v));
  const required = read.filter((v) => requiredIn(s, v));
  const value = defaultOf(s);
  if (value !== undefined) {
    parts.push(typeof s.default === 'number' ? value : code(value));
  } else if (required.length === read.length) {
    parts.push('required');
  } else {
    if (required.length > 0 && typeof s.required === 'object') {
      parts.push(`required with ${conditionText(s.required)}`);
    }
    if (s.unset === undefined) throw new Error(`${s.name}: say what leaving it unset means (unset)`);
    parts.push(`unset: ${s.unset}`);
  }
  if (s.sandbox !== undefined) parts.push(`sandbox: ${s.sandbox}`);
  return parts.join('; ');
}

/** Breaks a list item at spaces outside code spans so no line passes `width` (Prettier keeps the breaks). */
function listItem(text: string, width = 110): string[] {
  const lines: string[] = [];
  let line = '-';
  let inCode = false;
  let pending = '';
  for (const word of text.split(' ')) {
    pending = pending ? `${pending} ${word}` : word;
    inCode = (word.split('`').length - 1) % 2 === 1 ? !inCode : inCode;
    if (inCode) continue;
    if (line.length + 1 + pending.length > width && line.trim() !== '-') {
      lines.push(line);
      line = ' ';
    }
    line = `${line} ${pending}`;
    pending = '';
  }
  if (pending) line = `${line} ${pending}`;
  return [...lines, line];
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** The markdown between the markers: how variants are picked, then one row per setting. */
export function settingsTable(
  settings: readonly Setting<unknown>[] = SETTINGS,
  dimensions: Dimensions = DIMENSIONS,
): string {
  const variants = allVariants(dimensions);
  const legend = DIMENSION_NAMES.flatMap((d) =>
    listItem(`${dimensions[d].title}: ${dimensions[d].explain}.`),
  );
  const rows = settings.map((s) =>
    [
      code(s.name) + (s.secret ? ' (secret)' : ''),
      s.only ? conditionText(s.only) : 'all',
      s.meaning,
      defaultText(s, variants),
    ].map(cell),
  );
  return [
    'A setting is read only in the variants its row names; the environment picks them:',
    '',
    ...legend,
    '',
    '| setting | variants | meaning | default |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** `readme` with the table between the markers replaced by `table`, formatted as Prettier formats it. */
export async function withSettingsTable(readme: string, table: string = settingsTable()): Promise<string> {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${START} … ${END}`);
  const replaced = `${readme.slice(0, start + START.length)}\n\n${table}\n\n${readme.slice(end)}`;
  const options = (await prettier.resolveConfig(README)) ?? {};
  return prettier.format(replaced, { ...options, filepath: README });
}

async function main(): Promise<void> {
  const current = readFileSync(README, 'utf8');
  const generated = await withSettingsTable(current);
  if (process.argv.includes('--check')) {
    if (generated === current) return;
    console.error(
      'README.md: the settings table is not what shared/config/settings.ts gives; run npm run docs:settings',
    );
    process.exitCode = 1;
    return;
  }
  if (generated !== current) writeFileSync(README, generated);
  console.log(
    generated === current ? 'README.md: settings table up to date' : 'README.md: settings table written',
  );
}

if (require.main === module) void main();
