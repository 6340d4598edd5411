// Element templates come from what the workers declare and are valid Zeebe
// element templates.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { validateZeebe } from '@bpmn-io/element-templates-validator';
import { elementTemplate, loadJobContracts, loadElementTemplates } from '../../modeler/element-templates.ts';

function repositoryWith(t: { teardown(fn: () => unknown): void }, files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'modeler-templates-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

t.test('a job contract becomes a valid Zeebe template that fixes the job type', async (t) => {
  const template = elementTemplate({
    type: 'payment.request',
    inputs: [{ name: 'amount', label: 'Amount in rials' }, { name: 'mobile', optional: true }],
    headers: [{ key: 'gateway', value: 'sandbox' }],
    outputs: ['paymentId'],
    errors: ['PAYMENT_DECLINED'],
  });
  const result = validateZeebe(template);
  t.ok(result.valid, JSON.stringify(result.errors));
  t.match(template, {
    id: 'shahrdari.payment.request',
    name: 'Payment: request (پرداخت)',
    description: 'BPMN errors: PAYMENT_DECLINED',
    elementType: { value: 'bpmn:ServiceTask' },
  });
  t.match(template.properties[0], { type: 'Hidden', value: 'payment.request', binding: { type: 'zeebe:taskDefinition', property: 'type' } });
  t.match(template.properties.find((property) => (property.binding as { name?: string }).name === 'amount'), { feel: 'required', constraints: { notEmpty: true } });
  t.match(template.properties.find((property) => (property.binding as { key?: string }).key === 'gateway'), { value: 'sandbox' });
  t.match(template.properties.find((property) => (property.binding as { type: string }).type === 'zeebe:output'),
    { value: 'paymentId', binding: { source: '=paymentId' } }, 'a result lands in a variable of the same name unless renamed');
  t.ok(validateZeebe(elementTemplate({ type: 'notification.send' })).valid, 'a bare job type is a valid template too');
});

t.test('job types are read from the catalogue contract, else from the workers registry', async (t) => {
  const fromWorkers = repositoryWith(t, {
    'workers/index.ts': "export const jobTypes = ['inspection.assign', 'io.camunda.zeebe:userTask', 'certificate.issue'];\n",
  });
  t.same((await loadJobContracts(fromWorkers)).map((contract) => contract.type), ['inspection.assign', 'certificate.issue'],
    "the engine's user-task job type gets no template");

  const fromCatalogue = repositoryWith(t, {
    'workers/index.ts': "export const jobTypes = ['inspection.assign'];\n",
    'processes/catalogue/contract.ts': "export const jobContracts = [{ type: 'approval.decide', inputs: [{ name: 'role' }] }];\n",
  });
  t.match(await loadElementTemplates(fromCatalogue), [{ id: 'shahrdari.approval.decide' }]);

  t.same(await loadJobContracts(repositoryWith(t, { 'workers/index.ts': 'export const families = [];\n' })), [], 'nothing declared, nothing offered');
});

t.test("every template from the repository's job contract is a valid Zeebe element template", async (t) => {
  const templates = await loadElementTemplates();
  if (templates.length === 0) return t.pass('no job contract in the repository yet');
  for (const template of templates) {
    const result = validateZeebe(template);
    t.ok(result.valid, `${template.id} is valid`, { errors: result.errors });
  }
  t.notOk(templates.some((template) => template.id.includes('io.camunda')), 'no template for the user-task job type');
});
