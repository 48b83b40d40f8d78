import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Response checks against docs/workplace-api.yaml, written apart from the emulator's own request
 * checker so that a mistake there cannot hide one in its answers.
 */
const DOC = path.resolve(__dirname, '..', '..', '..', 'docs', 'workplace-api.yaml');
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...(parse(readFileSync(DOC, 'utf8')) as object), $id: 'contract' });

export function assertMatches(schemaName: string, value: unknown): void {
  const validate = ajv.getSchema(`contract#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`No schema ${schemaName}`);
  if (!validate(value))
    throw new Error(`Not a ${schemaName}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`);
}
