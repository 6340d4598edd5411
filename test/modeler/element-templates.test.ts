// Element templates come from the catalogue's job contract, the one list the
// workers are held to, and are valid Zeebe element templates.
import t from 'tap';
import { validateZeebe } from '@bpmn-io/element-templates-validator';
import { elementTemplate, elementTemplates } from '../../domain/process-design/element-templates.ts';
import { jobContracts, userTaskJobType } from '../../processes/catalogue/contract.ts';

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

t.test('the templates are the catalogue\'s job contracts, one each', async (t) => {
  t.ok(jobContracts.length >= 10, `${jobContracts.length} job contracts`);
  t.same(elementTemplates().map((template) => template.id), jobContracts.map((contract) => `shahrdari.${contract.type}`));
  t.notOk(jobContracts.some((contract) => contract.type === userTaskJobType), "the engine's user-task job type is no worker's contract, so it gets no template");
  t.match(elementTemplates([{ type: 'approval.decide', inputs: [{ name: 'role' }] }]), [{ id: 'shahrdari.approval.decide' }], 'the server may be given its own list');
});

t.test("every template from the repository's job contract is a valid Zeebe element template", async (t) => {
  const templates = elementTemplates();
  t.ok(templates.length > 0, 'the repository declares job contracts');
  for (const template of templates) {
    const result = validateZeebe(template);
    t.ok(result.valid, `${template.id} is valid`, { errors: result.errors });
  }
  t.notOk(templates.some((template) => template.id.includes('io.camunda')), 'no template for the user-task job type');
});
