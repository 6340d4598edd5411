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
  else?: JsonSchema;
  allOf?: JsonSchema[];
  uniqueItems?: boolean;
}

export interface SchemaOptions {
  /** Reject keys the form does not define; on by default, the API passes submitted data on to the process. */
  additionalProperties?: boolean;
  /**
   * A format (registered with ajv by the caller) that replaces the form's
   * pattern for a top-level key, e.g. `{ postalCode: 'postal-code' }`; it
   * lands where the pattern would, so an optional field still takes ''.
   */
  formats?: Record<string, string>;
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
      if (validate.minLength !== undefined) schema.minLength = validate.required ? Math.max(1, validate.minLength) : validate.minLength;
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

/**
 * form-js submits '' for a text box left empty, and other API clients do the
 * same: for a field that need not be answered, '' means "no answer", so the
 * pattern, format and minimum length judge only a non-empty value. No `type`
 * at the top, so a caller that rewrites string properties leaves it whole.
 */
function emptyMeansUnanswered(schema: JsonSchema): JsonSchema {
  if (schema.type !== 'string' || (schema.pattern === undefined && schema.format === undefined && !schema.minLength)) return schema;
  return { if: { const: '' }, else: schema };
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

function addComponents(root: ObjectSchema, components: FormComponent[], prefix: string[], options: Required<SchemaOptions>): void {
  const { additionalProperties } = options;
  for (const component of components) {
    if (component.type === 'group' && component.components) {
      const nested = component.path ? [...prefix, ...component.path.split('.')] : prefix;
      addComponents(root, component.components, nested, options);
      continue;
    }
    if (!component.key) continue;
    const value = valueSchema(component);
    if (!value) continue;
    const segments = [...prefix, ...component.key.split('.')];
    const name = segments.pop()!;
    const format = segments.length === 0 ? options.formats[name] : undefined;
    let schema = value;
    if (format && value.type === 'string') {
      const { pattern: _pattern, ...rest } = value;
      schema = { ...rest, format };
    }
    const title = component.label ? { title: component.label } : {};
    const hide = component.conditional?.hide;
    const alwaysRequired = Boolean(component.validate?.required) && !hide;
    const owner = objectAt(root, segments, additionalProperties);
    owner.properties[name] = { ...title, ...(alwaysRequired ? schema : emptyMeansUnanswered(schema)) };
    if (!component.validate?.required) continue;
    if (!hide) {
      owner.required.push(name);
      continue;
    }
    const simple = simpleHide.exec(hide);
    if (simple) {
      const [, field, hiddenWhen] = simple;
      owner.allOf.push({
        if: { not: { properties: { [field!]: { const: hiddenWhen } }, required: [field!] } },
        // Repeats the property so strict ajv sees what `required` names; shown, '' is no answer to a required field.
        then: { properties: { [name]: { ...title, ...schema } }, required: [name] },
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
  addComponents(root, form.components, [], { additionalProperties, formats: options.formats ?? {} });
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
