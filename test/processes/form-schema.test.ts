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
