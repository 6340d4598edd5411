// Forms: every form file is valid form-js, its id is its file name, the
// catalogue's forms all exist, and each derives a JSON Schema strict ajv accepts.
import t from 'tap';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { services, taskForms } from '../../processes/catalogue/index.ts';
import { formKeys, formProblems, formToJsonSchema, listFormIds, readForm } from '../../processes/forms/index.ts';
import type { FormComponent } from '../../processes/forms/types.ts';

const ids = listFormIds();

t.test('every form file is valid, named by its id, and derives a compilable JSON Schema', async (t) => {
  const ajv = new Ajv({ strict: true });
  addFormats.default(ajv);
  for (const id of ids) {
    const form = readForm(id);
    t.equal(form.id, id, `${id}: id = file name`);
    t.same(formProblems(form), [], `${id}: valid`);
    t.doesNotThrow(() => ajv.compile(formToJsonSchema(form)), `${id}: schema compiles`);
  }
});

t.test('the catalogue names only existing forms, and every form is used', async (t) => {
  const referenced = new Set<string>();
  for (const service of services) {
    referenced.add(service.forms.start);
    for (const form of Object.values(service.forms.tasks)) referenced.add(form);
  }
  for (const id of referenced) t.ok(ids.includes(id), `${id} exists`);
  for (const id of ids) t.ok(referenced.has(id), `${id} is referenced`);
  for (const form of Object.values(taskForms)) t.ok(ids.includes(form!), form);
});

t.test('start forms ask who is asking, and carry the field the fee is computed from', async (t) => {
  for (const service of services) {
    const form = readForm(service.forms.start);
    const keys = formKeys(form);
    for (const key of ['citizenName', 'nationalCode', 'mobile', 'declaration']) t.ok(keys.includes(key), `${service.id}: ${key}`);
    const fee = service.fee;
    if (fee.kind === 'per-square-metre' || fee.kind === 'per-unit') {
      const field = form.components.find((component: FormComponent) => component.key === fee.field);
      t.equal(field?.type, 'number', `${service.id}: fee field ${fee.field} is a number`);
      t.ok(field?.validate?.required, `${service.id}: fee field is required`);
      t.ok((field?.validate?.min ?? 0) > 0, `${service.id}: fee field is positive`);
    }
  }
});

t.test('task forms record the decision the shared diagrams branch on', async (t) => {
  const decisions: Record<string, [string, string[]]> = {
    'task-document-check': ['documentDecision', ['accept', 'return', 'reject']],
    'task-inspection': ['inspectionResult', ['pass', 'fail']],
    'task-approval': ['approvalDecision', ['approve', 'return', 'reject']],
    'task-work-report': ['workResult', ['done', 'not-possible']],
    'task-response': ['responseDecision', ['answered', 'declined']],
  };
  for (const [id, [key, values]] of Object.entries(decisions)) {
    const field = readForm(id).components.find((component: FormComponent) => component.key === key);
    t.same(field?.values?.map((option) => option.value), values, `${id}: ${key}`);
    t.ok(field?.validate?.required, `${id}: ${key} is required`);
  }
});

t.test('a rejection or return needs a reason, an acceptance does not', async (t) => {
  const ajv = new Ajv({ strict: true });
  const validate = ajv.compile(formToJsonSchema(readForm('task-document-check')));
  t.ok(validate({ documentDecision: 'accept' }));
  t.notOk(validate({ documentDecision: 'return' }));
  t.ok(validate({ documentDecision: 'return', documentReason: 'سند مالکیت خوانا نیست' }));
});

t.test('formProblems reports broken forms', async (t) => {
  const base = readForm('task-approval');
  t.match(formProblems({ ...base, type: 'other' }), [/type/]);
  const twice = { ...base, components: [...base.components, { ...base.components[1]!, id: 'Field_Again' }] };
  t.match(formProblems(twice), [/key approvalDecision used twice/]);
  const badPattern = { ...base, components: [{ id: 'Field_X', type: 'textfield', key: 'x', label: 'x', validate: { pattern: '([' } }] };
  t.match(formProblems(badPattern), [/pattern does not compile/]);
  const noOptions = { ...base, components: [{ id: 'Field_Y', type: 'select', key: 'y', label: 'y' }] };
  t.match(formProblems(noOptions), [/needs options/]);
});
