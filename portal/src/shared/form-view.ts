// A form-js form in Persian: renders a service's or task's form definition,
// accepts Persian and Arabic-Indic digits as typed, takes dates on the
// Jalali calendar, and shows every validation message — the viewer's own
// and the API's — in Persian beside its field.
import { Datetime, Form, Textfield } from '@bpmn-io/form-js-viewer';
import { normaliseInput } from './display.ts';
import { isIsoDate, jalaliLongDate, jalaliText, parseJalali } from './jalali.ts';

type Errors = Record<string, string[]>;
interface Component {
  id?: string; key?: string; type?: string; subtype?: string; label?: string; dateLabel?: string; description?: string;
  components?: Component[]; values?: Array<{ label: string; value: unknown }>; validate?: { pattern?: string };
}
interface FieldProps { field: Component; value?: unknown; domId: string; onChange(update: { value: unknown }): void; [prop: string]: unknown }

const dateExample = '۱۴۰۵/۰۹/۰۸';
const badDateMessage = `تاریخ را به شکل سال/ماه/روز خورشیدی بنویسید، مانند ${dateExample}`;

const isDateField = (field: Component) => field.type === 'datetime' && field.subtype === 'date';

/** What a date field keeps: the ISO date of a valid Jalali date, nothing for an empty box, else the text itself (refused at submit). */
function storedDate(text: string): string | null {
  if (!text.trim()) return null;
  return parseJalali(text) ?? text;
}

/** The text of each date box as typed, by DOM id, so 1405/9/8 is not rewritten to 1405/09/08 under the typist's fingers. */
const typedDates = new Map<string, string>();

/**
 * form-js's date picker follows the browser's locale and is Gregorian in a
 * Persian browser; a date field here is a text box for a Jalali date whose
 * hint turns into the date in words once it reads as one. It is form-js's
 * own text field (so labels, errors and ARIA stay the viewer's), given the
 * date's label and what to show. Times and date-times keep form-js's picker.
 */
function JalaliDatetime(props: FieldProps): unknown {
  const { field, value, domId } = props;
  if (!isDateField(field)) return Datetime(props);
  const typed = typedDates.get(domId);
  const shown = typed !== undefined && storedDate(typed) === (value ?? null) ? typed
    : isIsoDate(value) ? jalaliText(value) : typeof value === 'string' ? value : '';
  const hint = isIsoDate(value) ? jalaliLongDate(value) : `سال/ماه/روز خورشیدی، مانند ${dateExample}`;
  return Textfield({
    ...props,
    field: { ...field, label: field.dateLabel ?? field.label, description: [field.description, hint].filter(Boolean).join(' — ') },
    value: shown,
    onChange: ({ value: text }: { value: unknown }) => {
      typedDates.set(domId, String(text ?? ''));
      props.onChange({ value: storedDate(String(text ?? '')) });
    },
  });
}
JalaliDatetime.config = Datetime.config;

class JalaliDates {
  static $inject = ['formFields'];
  constructor(formFields: { register(type: string, component: unknown): void }) {
    formFields.register('datetime', JalaliDatetime);
  }
}
const jalaliDates = { __init__: ['jalaliDates'], jalaliDates: ['type', JalaliDates] };
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
    this.form = new Form({ container: this.element, additionalModules: [jalaliDates] });
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
    // form-js writes an English «Select» into an empty select box (not translatable through its API): say it in Persian.
    const placeholders = () => {
      for (const display of Array.from(this.element.querySelectorAll('.fjs-select-placeholder'))) {
        if (display.textContent === 'Select') display.textContent = 'انتخاب کنید';
      }
    };
    new MutationObserver(placeholders).observe(this.element, { childList: true, subtree: true, characterData: true });
  }

  /** `form` is a form-js form as the API serves it: form-js's own format, which the API passes through as analysts saved it. */
  static async create(form: FormSchema | Record<string, unknown>, data: Record<string, unknown> = {}): Promise<FormView> {
    const schema = form as FormSchema;
    const view = new FormView(schema);
    await view.form.importSchema(schema as never, data);
    return view;
  }

  private translateErrors(): void {
    const state = this.form._getState() as { errors: Errors };
    const { errors, changed } = translated(state.errors ?? {});
    if (changed) this.form._setState({ errors });
  }

  /**
   * Validates; the data, and the messages shown inline and returned for a
   * summary. A box left empty is left out: form-js sends '' (or null), which
   * the API's schema reads as an answer and holds to the field's pattern.
   */
  submit(): { data: Record<string, unknown>; errors: Array<{ id: string; label: string; message: string }> } {
    const submitted = this.form.submit() as { data: Record<string, unknown>; errors: Errors };
    const data = Object.fromEntries(Object.entries(submitted.data).filter(([, value]) => value !== '' && value !== null));
    const errors = { ...submitted.errors, ...this.dateErrors(data) };
    this.form._setState({ errors });
    this.translateErrors();
    const list = Object.entries(translated(errors).errors).map(([id, messages]) => ({
      id,
      label: this.labelOf(this.fields.find((field) => field.id === id)) ?? id,
      message: messages[0] ?? '',
    }));
    return { data, errors: list };
  }

  /** Date boxes holding text that is no Jalali date (form-js checks only that a required one is filled). */
  private dateErrors(data: Record<string, unknown>): Errors {
    const errors: Errors = {};
    for (const field of this.fields) {
      if (!isDateField(field) || !field.id || !field.key) continue;
      const value = data[field.key];
      if (typeof value === 'string' && value && !isIsoDate(value)) errors[field.id] = [badDateMessage];
    }
    return errors;
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
      shown.push({ id: field.id, label: this.labelOf(field) ?? key, message });
    }
    this.form._setState({ errors });
    return { shown, unmatched };
  }

  private labelOf(field: Component | undefined): string | undefined {
    return field?.label ?? field?.dateLabel;
  }

  /** The DOM id of a field's input, for links from an error summary. */
  inputId(fieldId: string): string {
    return `fjs-form-${this.form._id}-${fieldId}`;
  }

  /** Rows for a check-your-answers list: each filled field's label and what was entered, readable. */
  answers(data: Record<string, unknown>): Array<[string, string]> {
    const rows: Array<[string, string]> = [];
    for (const field of this.fields) {
      const label = this.labelOf(field);
      if (!field.key || !label || !(field.key in data)) continue;
      const value = data[field.key];
      if (value === undefined || value === null || value === '') continue;
      let shown: string;
      if (typeof value === 'boolean') shown = value ? 'بله' : 'خیر';
      else if (isDateField(field) && isIsoDate(value)) shown = jalaliLongDate(value);
      else if (field.values) shown = field.values.find((option) => option.value === value)?.label ?? String(value);
      else shown = String(value);
      rows.push([label, normaliseToPersian(shown)]);
    }
    return rows;
  }

  destroy(): void {
    this.form.destroy();
  }
}
