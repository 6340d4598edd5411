// Checks a form-js definition before it is deployed or used to derive a JSON
// Schema: the shape (TypeBox, compiled by ajv) and what the shape cannot say
// (unique ids and keys, labels, options, patterns that compile).
import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import type { FormComponent, FormDefinition } from './types.ts';

const keyed = ['textfield', 'number', 'select', 'radio', 'checkbox', 'checklist', 'textarea', 'datetime'];

const Component = Type.Recursive((self) => Type.Object({
  id: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$' }),
  type: Type.Union([...keyed, 'text', 'group'].map((type) => Type.Literal(type))),
  key: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*$' })),
  label: Type.Optional(Type.String({ minLength: 1 })),
  description: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  validate: Type.Optional(Type.Object({
    required: Type.Optional(Type.Boolean()),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    minLength: Type.Optional(Type.Integer({ minimum: 0 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 1 })),
    pattern: Type.Optional(Type.String({ minLength: 1 })),
    validationType: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('phone')])),
  }, { additionalProperties: false })),
  values: Type.Optional(Type.Array(Type.Object({ label: Type.String({ minLength: 1 }), value: Type.String({ minLength: 1 }) }), { minItems: 1 })),
  subtype: Type.Optional(Type.Union([Type.Literal('date'), Type.Literal('time'), Type.Literal('datetime')])),
  dateLabel: Type.Optional(Type.String({ minLength: 1 })),
  conditional: Type.Optional(Type.Object({ hide: Type.Optional(Type.String({ pattern: '^=' })) })),
  path: Type.Optional(Type.String()),
  components: Type.Optional(Type.Array(self)),
  layout: Type.Optional(Type.Object({})),
}));

const Form = Type.Object({
  id: Type.String({ pattern: '^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$' }),
  type: Type.Literal('default'),
  schemaVersion: Type.Integer({ minimum: 1, maximum: 19 }),
  components: Type.Array(Component, { minItems: 1 }),
  executionPlatform: Type.Optional(Type.String()),
  executionPlatformVersion: Type.Optional(Type.String()),
  exporter: Type.Optional(Type.Object({ name: Type.String(), version: Type.String() })),
  $schema: Type.Optional(Type.String()),
});

const checkShape = new Ajv({ strict: false, allErrors: true }).compile(Form);

/** The problems of `form`, empty when it is valid. */
export function formProblems(form: unknown): string[] {
  if (!checkShape(form)) return (checkShape.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'invalid'}`);
  const problems: string[] = [];
  const ids = new Set<string>();
  const keys = new Set<string>();
  const visit = (components: FormComponent[], prefix: string) => {
    for (const component of components) {
      if (ids.has(component.id)) problems.push(`component id ${component.id} used twice`);
      ids.add(component.id);
      if (component.type === 'group') {
        visit(component.components ?? [], component.path ? `${prefix}${component.path}.` : prefix);
        continue;
      }
      if (!keyed.includes(component.type)) continue;
      if (!component.key) {
        problems.push(`${component.id}: a ${component.type} needs a key`);
        continue;
      }
      const key = `${prefix}${component.key}`;
      if (keys.has(key)) problems.push(`key ${key} used twice`);
      keys.add(key);
      if (!(component.label ?? component.dateLabel)) problems.push(`${component.id}: needs a label`);
      if ((component.type === 'select' || component.type === 'radio' || component.type === 'checklist') && !component.values?.length) {
        problems.push(`${component.id}: needs options`);
      }
      const values = component.values?.map((option) => option.value) ?? [];
      if (new Set(values).size !== values.length) problems.push(`${component.id}: option values repeat`);
      const { min, max, minLength, maxLength, pattern } = component.validate ?? {};
      if (min !== undefined && max !== undefined && min > max) problems.push(`${component.id}: min above max`);
      if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) problems.push(`${component.id}: minLength above maxLength`);
      if (pattern) {
        try {
          new RegExp(pattern, 'u');
        } catch (error) {
          problems.push(`${component.id}: pattern does not compile: ${(error as Error).message}`);
        }
      }
    }
  };
  visit((form as FormDefinition).components, '');
  return problems;
}
