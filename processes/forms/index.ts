// Reads the form files in processes/forms/ (form id = file name).
import fs from 'node:fs';
import path from 'node:path';
import { sourcePath } from '../../platform/paths.ts';
import type { FormDefinition } from './types.ts';

export const formsDirectory = sourcePath(import.meta.url);

export function listFormIds(directory = formsDirectory): string[] {
  return fs.readdirSync(directory).filter((name) => name.endsWith('.form')).map((name) => name.slice(0, -'.form'.length)).sort();
}

export function readForm(id: string, directory = formsDirectory): FormDefinition {
  return JSON.parse(fs.readFileSync(path.join(directory, `${id}.form`), 'utf8')) as FormDefinition;
}

export { formToJsonSchema, formKeys, type JsonSchema, type SchemaOptions } from './schema.ts';
export type * from './types.ts';
export { formProblems } from './validate.ts';
