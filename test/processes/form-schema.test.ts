// formToJsonSchema: one form-js definition drives rendering and server-side validation.
import t from 'tap';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { formToJsonSchema, formKeys, readForm } from '../../processes/forms/index.ts';
import type { FormDefinition } from '../../processes/forms/types.ts';

function validator(form: FormDefinition) {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(formToJsonSchema(form));
}

const sample: FormDefinition = {
  id: 'sample',
  type: 'default',
  schemaVersion: 16,
  components: [
    { id: 'Text_Title', type: 'text', text: '## عنوان' },
    { id: 'Field_Code', type: 'textfield', key: 'nationalCode', label: 'کد ملی', validate: { required: true, pattern: '^[0-9]{10}$' } },
    { id: 'Field_Area', type: 'number', key: 'floorArea', validate: { required: true, min: 1, max: 1000 } },
    { id: 'Field_Use', type: 'select', key: 'landUse', values: [{ label: 'مسکونی', value: 'residential' }, { label: 'تجاری', value: 'commercial' }] },
    { id: 'Field_Date', type: 'datetime', key: 'startDate', subtype: 'date', validate: { required: true } },
    { id: 'Field_Ok', type: 'checkbox', key: 'declaration', validate: { required: true } },
    { id: 'Field_Decision', type: 'radio', key: 'decision', values: [{ label: 'تأیید', value: 'approve' }, { label: 'رد', value: 'reject' }], validate: { required: true } },
    { id: 'Field_Reason', type: 'textarea', key: 'reason', validate: { required: true, maxLength: 20 }, conditional: { hide: '=decision = "approve"' } },
    { id: 'Group_Owner', type: 'group', path: 'owner', components: [{ id: 'Field_OwnerName', type: 'textfield', key: 'name', validate: { required: true } }] },
  ],
};

const valid = {
  nationalCode: '0013542419', floorArea: 120, landUse: 'residential', startDate: '1405-01-15'.replace('1405', '2026'),
  declaration: true, decision: 'approve', owner: { name: 'مریم' },
};

t.test('given a form, when its schema validates a complete submission, then it passes', async (t) => {
  const validate = validator(sample);
  t.ok(validate(valid), JSON.stringify(validate.errors));
});

t.test('required, pattern, min/max, enum, date format and declaration are enforced', async (t) => {
  const validate = validator(sample);
  const cases: Array<[string, Record<string, unknown>]> = [
    ['missing required', { ...valid, nationalCode: undefined }],
    ['pattern', { ...valid, nationalCode: '12345' }],
    ['above max', { ...valid, floorArea: 5000 }],
    ['number as string', { ...valid, floorArea: '120' }],
    ['unknown option', { ...valid, landUse: 'industrial' }],
    ['bad date', { ...valid, startDate: 'tomorrow' }],
    ['declaration not ticked', { ...valid, declaration: false }],
    ['unknown key', { ...valid, extra: 1 }],
    ['nested required', { ...valid, owner: {} }],
  ];
  for (const [name, data] of cases) {
    const submission = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    t.notOk(validate(submission), name);
  }
});

t.test('a field hidden by `=field = "value"` is required only when shown', async (t) => {
  const validate = validator(sample);
  t.ok(validate({ ...valid, decision: 'approve' }), 'hidden: not needed');
  t.notOk(validate({ ...valid, decision: 'reject' }), 'shown: needed');
  t.ok(validate({ ...valid, decision: 'reject', reason: 'نقشه ناقص' }), 'shown and given');
  t.notOk(validate({ ...valid, decision: 'reject', reason: 'x'.repeat(21) }), 'shown and too long');
});

t.test('additional properties may be allowed', async (t) => {
  const ajv = new Ajv({ strict: true });
  addFormats.default(ajv);
  t.ok(ajv.compile(formToJsonSchema(sample, { additionalProperties: true }))({ ...valid, extra: 1 }));
});

t.test('formKeys lists submitted keys, nested ones dotted', async (t) => {
  t.same(formKeys(sample), ['nationalCode', 'floorArea', 'landUse', 'startDate', 'declaration', 'decision', 'reason', 'owner.name']);
});

t.test('a real start form validates a realistic building-permit submission', async (t) => {
  const validate = validator(readForm('building-permit-start'));
  const submission = {
    citizenName: 'علی رضایی', nationalCode: '0013542419', mobile: '09121234567', postalCode: '91775-12345',
    renewalCode: '12-34-567-8-0-0', address: 'مشهد، بلوار وکیل‌آباد', floorArea: 240, floors: 3, landUse: 'residential', declaration: true,
  };
  t.ok(validate(submission), JSON.stringify(validate.errors));
  t.notOk(validate({ ...submission, mobile: '0912' }));
});

t.test('given \'\' for an empty text box, it is no answer to an optional field and refused for a required one', async (t) => {
  const form: FormDefinition = {
    id: 'empty-answers',
    type: 'default',
    schemaVersion: 16,
    components: [
      { id: 'Field_Code', type: 'textfield', key: 'nationalCode', validate: { required: true, pattern: '^[0-9]{10}$' } },
      { id: 'Field_Name', type: 'textfield', key: 'citizenName', validate: { required: true } },
      { id: 'Field_Postal', type: 'textfield', key: 'postalCode', validate: { pattern: '^[1-9][0-9]{4}-?[0-9]{5}$' } },
      { id: 'Field_Email', type: 'textfield', key: 'email', validate: { validationType: 'email' } },
      { id: 'Field_Note', type: 'textarea', key: 'note', validate: { minLength: 5, maxLength: 20 } },
      { id: 'Field_Visit', type: 'datetime', key: 'visitDate', subtype: 'date' },
      { id: 'Field_Decision', type: 'radio', key: 'decision', values: [{ label: 'تأیید', value: 'approve' }, { label: 'رد', value: 'reject' }], validate: { required: true } },
      { id: 'Field_Reason', type: 'textfield', key: 'reason', validate: { required: true, minLength: 3 }, conditional: { hide: '=decision = "approve"' } },
      { id: 'Group_Owner', type: 'group', path: 'owner', components: [{ id: 'Field_OwnerPhone', type: 'textfield', key: 'phone', validate: { pattern: '^09[0-9]{9}$' } }] },
    ],
  };
  const validate = validator(form);
  const filled = { nationalCode: '0013542419', citizenName: 'مریم رضایی', decision: 'approve', owner: {} };
  const empties = { postalCode: '', email: '', note: '', visitDate: '', owner: { phone: '' } };

  t.ok(validate({ ...filled, ...empties }), `optional fields left empty: ${JSON.stringify(validate.errors)}`);
  t.ok(validate({ ...filled, postalCode: '91775-12345', email: 'a@b.ir', note: 'درخت کهن', visitDate: '2026-03-05', owner: { phone: '09151234567' } }), 'and answered');

  // The fields named, as the API's problem details name them; a conditional's own 'if' error at the root names none.
  const refusedAt = (data: Record<string, unknown>) => (validate(data) ? [] : [...new Set(validate.errors!
    .map((error) => (error.keyword === 'required' ? `${error.instancePath}/${String(error.params.missingProperty)}` : error.instancePath))
    .filter(Boolean))]);
  t.same(refusedAt({ ...filled, nationalCode: '' }), ['/nationalCode'], 'a required field with a pattern refuses \'\'');
  t.same(refusedAt({ ...filled, citizenName: '' }), ['/citizenName'], 'a required field without one refuses \'\' too');
  t.same(refusedAt({ ...filled, decision: 'reject', reason: '' }), ['/reason'], 'a required field refuses \'\' once its condition shows it');
  t.same(refusedAt({ ...filled, decision: 'reject', reason: 'کهنه' }), [], 'and takes an answer');
  t.same(refusedAt({ ...filled, postalCode: '12345' }), ['/postalCode'], 'a wrong postal code is still refused, at its path');
  t.same(refusedAt({ ...filled, email: 'not-mail' }), ['/email'], 'a wrong e-mail address too');
  t.same(refusedAt({ ...filled, note: 'کم' }), ['/note'], 'a too-short note too');
  t.same(refusedAt({ ...filled, note: 'x'.repeat(21) }), ['/note'], 'and a too-long one');
  t.same(refusedAt({ ...filled, visitDate: 'tomorrow' }), ['/visitDate'], 'a date that is not one');
  t.same(refusedAt({ ...filled, owner: { phone: '0915' } }), ['/owner/phone'], 'a nested field keeps its nested path');
  t.same(refusedAt({ ...filled, postalCode: 5 }), ['/postalCode'], 'a number is not a postal code');
  t.ok(validate.errors!.some((error) => error.keyword === 'type'), 'refused for its type');
  t.notOk(validate({ ...filled, postalCode: '12345' }));
  t.ok(validate.errors!.some((error) => error.keyword === 'pattern' && error.instancePath === '/postalCode'), 'the pattern is named, so the API says what is wrong');
});

t.test('a format given for a key replaces its pattern and still lets an optional field be empty', async (t) => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  ajv.addFormat('postal-code', /^[1-9][0-9]{9}$/);
  const form: FormDefinition = {
    id: 'formats', type: 'default', schemaVersion: 16,
    components: [{ id: 'Field_Postal', type: 'textfield', key: 'postalCode', validate: { pattern: '^[0-9-]+$' } }],
  };
  const validate = ajv.compile(formToJsonSchema(form, { formats: { postalCode: 'postal-code' } }));
  t.ok(validate({ postalCode: '' }), 'empty: no answer');
  t.ok(validate({ postalCode: '9177948974' }));
  t.notOk(validate({ postalCode: '0177948974' }), 'the format judges, not the looser pattern');
  t.ok(validate.errors!.some((error) => error.keyword === 'format' && error.instancePath === '/postalCode'));
});
