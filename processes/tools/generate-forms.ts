// Scaffolding: writes processes/forms/<id>.form for every start form and shared
// task form that does not exist yet. The .form files are the source once
// written; run with --force only to regenerate them all from form-fields.ts.
//   npx tsx processes/tools/generate-forms.ts [--force]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { services } from '../catalogue/index.ts';
import type { Service } from '../catalogue/types.ts';
import type { FormComponent, FormDefinition } from '../forms/types.ts';
import { identityFields, serviceFields, taskFormFields, type FieldSpec } from './form-fields.ts';

const formsDirectory = fileURLToPath(new URL('../forms/', import.meta.url));

/** Camunda 8.6's Tasklist renders form-js schema version 16. */
export const formSchemaVersion = 16;

function upperFirst(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

function component(spec: FieldSpec): FormComponent {
  const validate: FormComponent['validate'] = {};
  if (spec.required) validate.required = true;
  for (const rule of ['min', 'max', 'minLength', 'maxLength'] as const) if (spec[rule] !== undefined) validate[rule] = spec[rule];
  if (spec.pattern) validate.pattern = spec.pattern;
  const result: FormComponent = { id: `Field_${upperFirst(spec.key)}`, type: spec.type, key: spec.key, label: spec.label };
  if (spec.description) result.description = spec.description;
  if (spec.values) result.values = spec.values.map(([value, label]) => ({ label, value }));
  if (spec.type === 'datetime') {
    result.subtype = spec.subtype ?? 'date';
    result.dateLabel = spec.label;
    delete result.label;
  }
  if (Object.keys(validate).length) result.validate = validate;
  if (spec.hide) result.conditional = { hide: spec.hide };
  return result;
}

function form(id: string, components: FormComponent[]): FormDefinition {
  return {
    id,
    type: 'default',
    schemaVersion: formSchemaVersion,
    executionPlatform: 'Camunda Cloud',
    executionPlatformVersion: '8.6.0',
    exporter: { name: 'shahrdari processes/tools/generate-forms.ts', version: '1' },
    components,
  };
}

function heading(id: string, text: string): FormComponent {
  return { id, type: 'text', text };
}

export function startForm(service: Service): FormDefinition {
  const specific = serviceFields[service.id];
  if (!specific) throw new Error(`no start form fields for ${service.id} in form-fields.ts`);
  const documents = service.documents.length
    ? `\n\nمدارک لازم: ${service.documents.map((document) => document.fa).join('، ')}.`
    : '';
  const fields = [...identityFields, ...specific];
  if (!fields.some((field) => field.key === 'details' || field.key === 'description')) {
    fields.push({ key: 'description', label: 'توضیحات تکمیلی', type: 'textarea', maxLength: 2000 });
  }
  return form(service.forms.start, [
    heading('Text_Title', `## ${service.name.fa}\n\n${service.description.fa}${documents}`),
    ...fields.map(component),
    { id: 'Field_Declaration', type: 'checkbox', key: 'declaration', label: 'صحت اطلاعات واردشده را تأیید می‌کنم.', validate: { required: true } },
  ]);
}

export function taskForm(id: string): FormDefinition {
  const spec = taskFormFields[id];
  if (!spec) throw new Error(`no task form ${id} in form-fields.ts`);
  return form(id, [heading('Text_Title', `## ${spec.title}\n\n${spec.intro}`), ...spec.fields.map(component)]);
}

function write(definition: FormDefinition, force: boolean): boolean {
  const file = path.join(formsDirectory, `${definition.id}.form`);
  if (fs.existsSync(file) && !force) return false;
  fs.writeFileSync(file, `${JSON.stringify(definition, null, 2)}\n`);
  return true;
}

function main(): void {
  const force = process.argv.includes('--force');
  let written = 0;
  let kept = 0;
  for (const definition of [...services.map(startForm), ...Object.keys(taskFormFields).map(taskForm)]) {
    if (write(definition, force)) written++;
    else kept++;
  }
  console.log(`forms: ${written} written, ${kept} existing kept${kept && !force ? ' (--force to overwrite)' : ''}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
