// A service's start form as GeoReport attributes, and back: the service
// definition (GET services/{code}.json) lists each input field as an
// attribute; a POST sends them as attribute[code]=value, all strings when
// form-encoded, which become the typed start form our submit validates.
import type { FormComponent } from '../../../processes/forms/index.ts';

const datatypes: Record<string, string> = {
  textfield: 'string', textarea: 'text', number: 'number', datetime: 'datetime', select: 'singlevaluelist', radio: 'singlevaluelist', checklist: 'multivaluelist', checkbox: 'singlevaluelist',
};

/** The form's input fields, in order (start forms are flat; groups are walked anyway). */
export function inputFields(components: FormComponent[]): FormComponent[] {
  const fields: FormComponent[] = [];
  const walk = (list: FormComponent[]) => list.forEach((c) => (c.components ? walk(c.components) : c.key && datatypes[c.type] && fields.push(c)));
  walk(components);
  return fields;
}

export function attributesOf(components: FormComponent[]): object[] {
  return inputFields(components).map((field, index) => ({
    variable: true,
    code: field.key!,
    datatype: datatypes[field.type],
    required: Boolean(field.validate?.required),
    datatype_description: field.description ?? '',
    order: index + 1,
    description: field.label ?? field.key!,
    ...(field.type === 'checkbox'
      ? { values: [{ key: 'true', name: 'بله' }, { key: 'false', name: 'خیر' }] }
      : field.values ? { values: field.values.map((v) => ({ key: v.value, name: v.label })) } : {}),
  }));
}

const truthy = new Set(['true', '1', 'on', 'yes']);
const falsy = new Set(['false', '0', 'off', 'no']);

/**
 * A sent value typed as the field expects. A value that cannot be read as
 * that type is passed on unchanged, so the form's validation names the field.
 */
export function typedValue(field: FormComponent, value: unknown): unknown {
  const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  switch (field.type) {
    case 'number':
      return typeof text === 'string' && /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : value;
    case 'checkbox':
      if (typeof text !== 'string') return value;
      return truthy.has(text.trim().toLowerCase()) ? true : falsy.has(text.trim().toLowerCase()) ? false : value;
    case 'checklist':
      return Array.isArray(value) ? value : typeof value === 'string' ? [value] : value;
    default:
      return text;
  }
}
