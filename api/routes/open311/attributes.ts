// A service's start form as GeoReport attributes, and back: the service
// definition (GET services/{code}.json) lists each input field as an
// attribute; a POST sends them as attribute[code]=value, all strings when
// form-encoded, which become the typed start form our submit validates.
import type { FormComponent } from '../../../processes/forms/index.ts';
import { Attribute, AttributeValue, ordered } from './schemas.ts';

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

/** Start-form fields that GeoReport's own POST fields fill when the attribute is not sent. */
export const standIns: Record<string, string> = {
  citizenName: 'first_name and last_name', mobile: 'phone', address: 'address_string (or lat and long, or address_id)', description: 'description', details: 'description',
};

export function attributesOf(components: FormComponent[]): Record<string, unknown>[] {
  const fields = inputFields(components);
  const keys = new Set(fields.map((field) => field.key!));
  return fields.map((field, index) => {
    // `details` takes GeoReport's description only where the form has no description field.
    const standIn = field.key === 'details' && keys.has('description') ? undefined : standIns[field.key!];
    const help = [field.description, standIn && `GeoReport's ${standIn} may be sent instead`].filter(Boolean).join(' — ');
    const values = field.type === 'checkbox'
      ? [{ key: 'true', name: 'بله' }, { key: 'false', name: 'خیر' }]
      : field.values?.map((v) => ({ key: v.value, name: v.label }));
    return ordered(Attribute, {
      variable: true,
      code: field.key!,
      datatype: datatypes[field.type],
      required: Boolean(field.validate?.required),
      datatype_description: help || null,
      order: index + 1,
      description: field.label ?? field.key!,
      values: values?.map((value) => ordered(AttributeValue, value)),
    });
  });
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
    case 'number': {
      // 400 digits read as Infinity, which JSON cannot carry: such a value stays text and is refused by name.
      const number = typeof text === 'string' && /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
      return Number.isFinite(number) ? number : text;
    }
    case 'checkbox':
      if (typeof text !== 'string') return value;
      return truthy.has(text.trim().toLowerCase()) ? true : falsy.has(text.trim().toLowerCase()) ? false : value;
    case 'checklist':
      return Array.isArray(value) ? value : typeof value === 'string' ? [value] : value;
    default:
      return text;
  }
}
