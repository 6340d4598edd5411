// A refusal a person can act on: an HTTP status, a slug naming what went
// wrong (the problem document's type is urn:shahrdari:problem:<slug>), the
// English detail, the Persian one for citizens, and for invalid input the
// failing fields. Thrown by services and handlers anywhere in the HTTP app
// (api/, the modeler, the sandbox gateway); api/plugins/app/problems.ts
// turns it into an RFC 9457 problem document. `fieldErrors` reads ajv's
// errors as field errors, in English and Persian, for any schema: a route's,
// a start form's or a task form's.

export interface FieldError { path: string; message: string; messageFa: string }

export class ApiProblem extends Error {
  readonly statusCode: number;
  readonly slug: string;
  readonly detailFa: string;
  readonly errors?: FieldError[];
  constructor(statusCode: number, slug: string, detail: string, detailFa: string, errors?: FieldError[]) {
    super(detail);
    this.statusCode = statusCode;
    this.slug = slug;
    this.detailFa = detailFa;
    this.errors = errors;
  }
}

export interface AjvError { keyword: string; instancePath: string; message?: string; params: Record<string, unknown> }

const formatFa: Record<string, string> = {
  'national-code': 'کد ملی درست نیست؛ ده رقم با رقم کنترل درست لازم است.',
  mobile: 'شماره همراه درست نیست؛ به شکل ۰۹۱۲۳۴۵۶۷۸۹ بنویسید.',
  'postal-code': 'کد پستی باید ده رقم باشد و با صفر شروع نشود.',
};

function messageFa(error: AjvError): string {
  switch (error.keyword) {
    case 'required': return 'این مورد را باید پر کنید.';
    case 'format': return formatFa[String(error.params.format)] ?? 'قالب این مورد درست نیست.';
    case 'type': return 'نوع این مقدار درست نیست.';
    // An empty answer to a required text field reads as what it is: missing.
    case 'minLength': return error.params.limit === 1 ? 'این مورد را باید پر کنید.' : 'کوتاه‌تر از حد مجاز است.';
    case 'maxLength': return 'بلندتر از حد مجاز است.';
    case 'minimum': case 'exclusiveMinimum': return 'کمتر از حد مجاز است.';
    case 'maximum': case 'exclusiveMaximum': return 'بیشتر از حد مجاز است.';
    case 'minItems': return 'دست‌کم یک مورد را انتخاب کنید.';
    case 'enum': case 'const': return 'یکی از گزینه‌های مجاز را انتخاب کنید.';
    case 'pattern': return 'قالب این مورد درست نیست.';
    case 'additionalProperties': return 'این مورد شناخته نیست.';
    default: return 'این مقدار پذیرفته نیست.';
  }
}

/** ajv errors as field errors whose path names the field, starting at `root` (e.g. /body or /body/form). */
export function fieldErrors(errors: AjvError[], root: string): FieldError[] {
  // ajv adds a generic "must match then/else schema" beside the real reason; a field gets the real one.
  const specific = new Set(errors.filter((error) => error.keyword !== 'if').map((error) => error.instancePath));
  return errors.filter((error) => error.keyword !== 'if' || !specific.has(error.instancePath)).map((error) => {
    let path = `${root}${error.instancePath}`;
    if (error.keyword === 'required') path += `/${String(error.params.missingProperty)}`;
    if (error.keyword === 'additionalProperties') path += `/${String(error.params.additionalProperty)}`;
    const message = error.keyword === 'format' ? `must be a valid ${String(error.params.format)}` : (error.message ?? 'is not accepted');
    return { path, message, messageFa: messageFa(error) };
  });
}
