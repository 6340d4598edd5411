// Zeebe element templates for the project's own workers, so an analyst drops in
// "Payment: request" and fills its fields instead of typing a job type. Only
// job types the catalogue's job contract declares are offered (and
// test/workers/registry.test.ts holds every one to a worker): a template for
// a job nobody works on would make a stuck process.
import { jobContracts, type JobContract } from '../../processes/catalogue/contract.ts';

export type { JobContract };

/** Persian and English names of the worker families the issue lists. */
const families: Record<string, { fa: string; en: string }> = {
  payment: { fa: 'پرداخت', en: 'Payment' },
  inspection: { fa: 'بازدید', en: 'Inspection' },
  approval: { fa: 'تأیید', en: 'Approval' },
  appointment: { fa: 'نوبت‌دهی', en: 'Appointment' },
  notification: { fa: 'اطلاع‌رسانی', en: 'Notification' },
  certificate: { fa: 'صدور گواهی', en: 'Certificate' },
  request: { fa: 'ثبت وضعیت درخواست', en: 'Request bookkeeping' },
};

export interface ElementTemplate {
  $schema: string;
  name: string;
  id: string;
  version: number;
  description?: string;
  category: { id: string; name: string };
  appliesTo: string[];
  elementType: { value: string };
  groups: Array<{ id: string; label: string }>;
  properties: Array<Record<string, unknown>>;
}

function titleOf(contract: JobContract): string {
  if (contract.name) return contract.name;
  const [family = contract.type, ...step] = contract.type.split('.');
  const known = families[family];
  return known ? `${known.en}: ${step.join('.') || family} (${known.fa})` : contract.type;
}

/** One template per job type: the type is fixed, retries, inputs and headers are fields. */
export function elementTemplate(contract: JobContract): ElementTemplate {
  const inputs = contract.inputs ?? [];
  const headers = contract.headers ?? [];
  const outputs = contract.outputs ?? [];
  return {
    // Identifies the format for tools; never fetched.
    $schema: 'https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json',
    name: titleOf(contract),
    id: `shahrdari.${contract.type}`,
    version: 1,
    description: contract.description ?? (contract.errors?.length ? `BPMN errors: ${contract.errors.join(', ')}` : undefined),
    category: { id: 'shahrdari-workers', name: 'Shahrdari workers' },
    appliesTo: ['bpmn:Task'],
    elementType: { value: 'bpmn:ServiceTask' },
    groups: [
      { id: 'job', label: 'Job' },
      ...(inputs.length ? [{ id: 'inputs', label: 'Inputs' }] : []),
      ...(outputs.length ? [{ id: 'outputs', label: 'Results' }] : []),
      ...(headers.length ? [{ id: 'headers', label: 'Headers' }] : []),
    ],
    properties: [
      { type: 'Hidden', value: contract.type, binding: { type: 'zeebe:taskDefinition', property: 'type' } },
      { label: 'Retries', group: 'job', type: 'String', value: '3', binding: { type: 'zeebe:taskDefinition', property: 'retries' } },
      ...inputs.map((input) => ({
        label: input.label ?? input.name,
        description: input.description,
        group: 'inputs',
        type: 'String',
        feel: 'required',
        binding: { type: 'zeebe:input', name: input.name },
        ...(input.optional ? { optional: true } : { constraints: { notEmpty: true } }),
      })),
      ...outputs.map((output) => ({
        label: `Store ${output} as`,
        description: 'Process variable the result is copied to',
        group: 'outputs',
        type: 'String',
        value: output,
        binding: { type: 'zeebe:output', source: `=${output}` },
      })),
      ...headers.map((header) => ({
        label: header.label ?? header.key,
        group: 'headers',
        type: 'String',
        value: header.value ?? '',
        binding: { type: 'zeebe:taskHeader', key: header.key },
      })),
    ],
  };
}

/** One template per job type the catalogue's contract declares (the workers' registry test holds each to a worker). */
export function elementTemplates(contracts: JobContract[] = jobContracts): ElementTemplate[] {
  return contracts.map(elementTemplate);
}
