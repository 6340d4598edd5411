// A request's answers as a person reads them: each field under the form's own
// Persian label (never its key), an option by its label, a yes/no box as
// «بله»/«خیر», a date on the Jalali calendar. For documents the municipality
// issues (the certificate) and anything else that shows a filed form.
import type { FormComponent, FormDefinition } from '../../processes/forms/types.ts';
import { jalaliDate } from '../../platform/persian.ts';

export interface FormAnswer {
  key: string;
  label: string;
  value: string;
}

function readable(component: FormComponent, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  const optionLabel = (v: unknown) => component.values?.find((option) => option.value === v)?.label ?? String(v);
  switch (component.type) {
    case 'select':
    case 'radio':
      return optionLabel(value);
    case 'checklist':
      return Array.isArray(value) && value.length > 0 ? value.map(optionLabel).join('، ') : null;
    case 'checkbox':
      return value === true ? 'بله' : value === false ? 'خیر' : null;
    case 'datetime': {
      const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : null;
      return date && !Number.isNaN(date.getTime()) ? jalaliDate(date) : String(value);
    }
    default:
      return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  }
}

/** A value at a dotted path (form-js keys and group paths may be dotted). */
function at(data: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, segment) =>
    value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[segment] : undefined, data);
}

/** The answered fields of `data` in the form's order, nested groups included. */
export function formAnswers(definition: FormDefinition, data: Record<string, unknown>): FormAnswer[] {
  const answers: FormAnswer[] = [];
  const walk = (components: FormComponent[], prefix: string) => {
    for (const component of components) {
      if (component.type === 'group' && component.components) {
        walk(component.components, component.path ? `${prefix}${component.path}.` : prefix);
        continue;
      }
      if (!component.key || !component.label) continue;
      const key = `${prefix}${component.key}`;
      const value = readable(component, at(data, key));
      if (value !== null) answers.push({ key, label: component.label, value });
    }
  };
  walk(definition.components, '');
  return answers;
}
