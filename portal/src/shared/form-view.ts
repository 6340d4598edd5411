// A form-js form in Persian: renders a service's or task's form definition,
// accepts Persian and Arabic-Indic digits as typed, and shows every
// validation message — the viewer's own and the API's — in Persian beside
// its field.
import { Form } from '@bpmn-io/form-js-viewer';
import { normaliseInput } from './display.ts';

type Errors = Record<string, string[]>;
interface Component { id?: string; key?: string; type?: string; label?: string; components?: Component[]; values?: Array<{ label: string; value: unknown }>; validate?: { pattern?: string } }
export interface FormSchema { id?: string; components: Component[]; [key: string]: unknown }

/** The viewer's English messages (form-js 1.x) turned into Persian. */
function persianMessage(message: string): string {
  if (/^Field is required/.test(message)) return 'این بخش را پر کنید.';
  if (/^Field must match pattern/.test(message)) return 'قالب واردشده درست نیست.';
  let match = /^Field must have minimum value of (.+)\.$/.exec(message);
  if (match) return `عدد باید دست‌کم ${normaliseToPersian(match[1]!)} باشد.`;
  match = /^Field must have maximum value of (.+)\.$/.exec(message);
  if (match) return `عدد باید حداکثر ${normaliseToPersian(match[1]!)} باشد.`;
  match = /^Field must have minimum length of (.+)\.$/.exec(message);
  if (match) return `دست‌کم ${normaliseToPersian(match[1]!)} نویسه بنویسید.`;
  match = /^Field must have maximum length of (.+)\.$/.exec(message);
  if (match) return `حداکثر ${normaliseToPersian(match[1]!)} نویسه مجاز است.`;
  if (/email/.test(message)) return 'نشانی رایانامه درست نیست.';
  if (/phone/.test(message)) return 'شماره تلفن درست نیست.';
  return message;
}

function normaliseToPersian(text: string): string {
  return text.replace(/[0-9]/g, (digit) => '۰۱۲۳۴۵۶۷۸۹'[Number(digit)]!);
}

function translated(errors: Errors): { errors: Errors; changed: boolean } {
  let changed = false;
  const out: Errors = {};
  for (const [id, messages] of Object.entries(errors)) {
    if (!Array.isArray(messages)) continue;
    out[id] = messages.map((message) => {
      const persian = persianMessage(message);
      if (persian !== message) changed = true;
      return persian;
    });
  }
  return { errors: out, changed };
}

function flatten(components: Component[]): Component[] {
  return components.flatMap((component) => [component, ...flatten(component.components ?? [])]);
}

export class FormView {
  readonly element: HTMLElement;
  private readonly form: Form;
  private readonly fields: Component[];

  private constructor(readonly schema: FormSchema) {
    this.element = document.createElement('div');
    this.element.className = 'form-view';
    this.form = new Form({ container: this.element });
    this.fields = flatten(schema.components);
    // Typed digits in any script become ASCII before the viewer reads them, so patterns like ^[0-9]{10}$ accept ۰۹۱۲….
    this.element.addEventListener('input', (event) => {
      const target = event.target as HTMLInputElement | HTMLTextAreaElement;
      if (!('value' in target) || typeof target.value !== 'string') return;
      const normal = normaliseInput(target.value);
      if (normal !== target.value) {
        const caret = target.selectionStart;
        target.value = normal;
        if (caret !== null && target.type !== 'number') target.setSelectionRange(caret, caret);
      }
    }, true);
    this.form.on('changed', () => this.translateErrors());
  }

  static async create(schema: FormSchema, data: Record<string, unknown> = {}): Promise<FormView> {
    const view = new FormView(schema);
    await view.form.importSchema(schema as never, data);
    return view;
  }

  private translateErrors(): void {
    const state = this.form._getState() as { errors: Errors };
    const { errors, changed } = translated(state.errors ?? {});
    if (changed) this.form._setState({ errors });
  }

  /** Validates; on success the data, else null with the messages shown inline and returned for a summary. */
  submit(): { data: Record<string, unknown>; errors: Array<{ id: string; label: string; message: string }> } {
    const { data, errors } = this.form.submit() as { data: Record<string, unknown>; errors: Errors };
    this.translateErrors();
    const list = Object.entries(translated(errors).errors).map(([id, messages]) => ({
      id,
      label: this.fields.find((field) => field.id === id)?.label ?? id,
      message: messages[0] ?? '',
    }));
    return { data, errors: list };
  }

  /** The API's field errors (by form key) shown on their fields; those that match no field come back apart. */
  showServerErrors(byKey: Map<string, string>): { shown: Array<{ id: string; label: string; message: string }>; unmatched: Array<[string, string]> } {
    const errors: Errors = {};
    const shown = [];
    const unmatched: Array<[string, string]> = [];
    for (const [key, message] of byKey) {
      const field = this.fields.find((candidate) => candidate.key === key);
      if (!field?.id) {
        unmatched.push([key, message]);
        continue;
      }
      errors[field.id] = [message];
      shown.push({ id: field.id, label: field.label ?? key, message });
    }
    this.form._setState({ errors });
    return { shown, unmatched };
  }

  /** The DOM id of a field's input, for links from an error summary. */
  inputId(fieldId: string): string {
    return `fjs-form-${this.form._id}-${fieldId}`;
  }

  /** Rows for a check-your-answers list: each filled field's label and what was entered, readable. */
  answers(data: Record<string, unknown>): Array<[string, string]> {
    const rows: Array<[string, string]> = [];
    for (const field of this.fields) {
      if (!field.key || !field.label || !(field.key in data)) continue;
      const value = data[field.key];
      if (value === undefined || value === null || value === '') continue;
      let shown: string;
      if (typeof value === 'boolean') shown = value ? 'بله' : 'خیر';
      else if (field.values) shown = field.values.find((option) => option.value === value)?.label ?? String(value);
      else shown = String(value);
      rows.push([field.label, normaliseToPersian(shown)]);
    }
    return rows;
  }

  destroy(): void {
    this.form.destroy();
  }
}
