// Derives a JSON Schema (draft-07, for ajv) from a form-js definition, so the
// form that renders a step also validates its submission on the server.
import type { FormComponent, FormDefinition } from './types.ts';

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  type?: string | string[];
  title?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  not?: JsonSchema;
  if?: JsonSchema;
  then?: JsonSchema;
  allOf?: JsonSchema[];
  uniqueItems?: boolean;
}

export interface SchemaOptions {
  /** Reject keys the form does not define; on by default, the API passes submitted data on to the process. */
  additionalProperties?: boolean;
}

/**
 * `=field = "value"` is the one hide condition translated: a field hidden when
 * another has a given value is required only when it is shown. Other FEEL
 * conditions leave the field optional, since a hidden field is not submitted.
 */
const simpleHide = /^=\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"]*)"\s*$/;

function valueSchema(component: FormComponent): JsonSchema | undefined {
  const validate = component.validate ?? {};
  switch (component.type) {
    case 'textfield':
    case 'textarea': {
      const schema: JsonSchema = { type: 'string' };
      if (validate.minLength !== undefined) schema.minLength = validate.minLength;
      else if (validate.required) schema.minLength = 1;
      if (validate.maxLength !== undefined) schema.maxLength = validate.maxLength;
      if (validate.pattern) schema.pattern = validate.pattern;
      if (validate.validationType === 'email') schema.format = 'email';
      if (validate.validationType === 'phone') schema.pattern ??= '^\\+?[0-9 ()-]{5,20}$';
      return schema;
    }
    case 'number': {
      const schema: JsonSchema = { type: 'number' };
      if (validate.min !== undefined) schema.minimum = validate.min;
      if (validate.max !== undefined) schema.maximum = validate.max;
      return schema;
    }
    case 'select':
    case 'radio':
      return { type: 'string', enum: (component.values ?? []).map((option) => option.value) };
    case 'checklist':
      return { type: 'array', items: { enum: (component.values ?? []).map((option) => option.value) }, uniqueItems: true };
    case 'checkbox':
      // A required checkbox is a declaration the citizen must tick.
      return validate.required ? { type: 'boolean', const: true } : { type: 'boolean' };
    case 'datetime':
      if (component.subtype === 'time') return { type: 'string', format: 'time' };
      if (component.subtype === 'datetime') return { type: 'string', format: 'date-time' };
      return { type: 'string', format: 'date' };
    default:
      return undefined;
  }
}

interface ObjectSchema extends JsonSchema {
  properties: Record<string, JsonSchema>;
  required: string[];
  allOf: JsonSchema[];
}

function emptyObject(additionalProperties: boolean): ObjectSchema {
  return { type: 'object', properties: {}, required: [], allOf: [], additionalProperties };
}

/** The object schema at a dotted key path, created on the way. */
function objectAt(root: ObjectSchema, path: string[], additionalProperties: boolean): ObjectSchema {
  let current = root;
  for (const segment of path) {
    let next = current.properties[segment] as ObjectSchema | undefined;
    if (!next) {
      next = emptyObject(additionalProperties);
      current.properties[segment] = next;
      if (!current.required.includes(segment)) current.required.push(segment);
    }
    current = next;
  }
  return current;
}

function addComponents(root: ObjectSchema, components: FormComponent[], prefix: string[], additionalProperties: boolean): void {
  for (const component of components) {
    if (component.type === 'group' && component.components) {
      const nested = component.path ? [...prefix, ...component.path.split('.')] : prefix;
      addComponents(root, component.components, nested, additionalProperties);
      continue;
    }
    if (!component.key) continue;
    const schema = valueSchema(component);
    if (!schema) continue;
    const segments = [...prefix, ...component.key.split('.')];
    const name = segments.pop()!;
    const owner = objectAt(root, segments, additionalProperties);
    owner.properties[name] = { ...schema, ...(component.label ? { title: component.label } : {}) };
    if (!component.validate?.required) continue;
    const hide = component.conditional?.hide;
    if (!hide) {
      owner.required.push(name);
      continue;
    }
    const simple = simpleHide.exec(hide);
    if (simple) {
      const [, field, value] = simple;
      owner.allOf.push({
        if: { not: { properties: { [field!]: { const: value } }, required: [field!] } },
        // Repeats the property so strict ajv sees what `required` names.
        then: { properties: { [name]: owner.properties[name]! }, required: [name] },
      });
    }
  }
}

function tidy(schema: JsonSchema): JsonSchema {
  if (schema.allOf?.length === 0) delete schema.allOf;
  for (const child of Object.values(schema.properties ?? {})) tidy(child);
  return schema;
}

export function formToJsonSchema(form: FormDefinition, options: SchemaOptions = {}): JsonSchema {
  const additionalProperties = options.additionalProperties ?? false;
  const root = emptyObject(additionalProperties);
  addComponents(root, form.components, [], additionalProperties);
  return tidy({ $schema: 'http://json-schema.org/draft-07/schema#', $id: `form:${form.id}`, ...root });
}

/** The keys a form submits, dotted for nested ones; used to check fee fields and io mappings. */
export function formKeys(form: FormDefinition): string[] {
  const keys: string[] = [];
  const visit = (components: FormComponent[], prefix: string) => {
    for (const component of components) {
      if (component.type === 'group' && component.components) visit(component.components, component.path ? `${prefix}${component.path}.` : prefix);
      else if (component.key) keys.push(`${prefix}${component.key}`);
    }
  };
  visit(form.components, '');
  return keys;
}
