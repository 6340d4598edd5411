// Zeebe element templates for the project's own workers, so an analyst drops in
// "Payment: request" and fills its fields instead of typing a job type. Only
// job types that the workers (or the catalogue's contract list) declare are
// offered: a template for a job nobody works on would make a stuck process.
import fs from 'node:fs';
import path from 'node:path';
import { importSourceModule, repositoryRoot } from '../platform/paths.ts';

export interface JobInput {
  /** Local variable the worker reads. */
  name: string;
  label?: string;
  description?: string;
  /** Optional inputs may be left empty by the analyst. */
  optional?: boolean;
}

export interface JobContract {
  /** Job type, `family.step` (e.g. `payment.request`). */
  type: string;
  name?: string;
  description?: string;
  inputs?: JobInput[];
  /** Variables the worker completes the job with; the analyst names where each lands. */
  outputs?: string[];
  /** Task headers the worker reads, with their default values. */
  headers?: Array<{ key: string; label?: string; value?: string }>;
  /** BPMN error codes the worker throws, shown to the analyst as a hint. */
  errors?: string[];
}

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

function asContracts(value: unknown): JobContract[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const contracts = value.map((entry): JobContract | null => {
    if (typeof entry === 'string') return { type: entry };
    if (entry && typeof entry === 'object' && typeof (entry as JobContract).type === 'string') return entry as JobContract;
    return null;
  });
  return contracts.every((contract) => contract !== null) ? contracts as JobContract[] : undefined;
}

/**
 * Job contracts from the first of these that exports a list: the catalogue's
 * contract module, then the workers registry. Export names tried: jobContracts,
 * jobTypes, declaredJobTypes. The user-task job type is the engine's own and
 * gets no template.
 */
export async function loadJobContracts(root = repositoryRoot): Promise<JobContract[]> {
  for (const file of ['processes/catalogue/contract.ts', 'workers/contracts.ts', 'workers/index.ts']) {
    const absolute = path.join(root, file);
    if (!fs.existsSync(absolute)) continue;
    let exported: Record<string, unknown>;
    try {
      exported = await importSourceModule(absolute);
    } catch {
      continue;
    }
    for (const name of ['jobContracts', 'jobTypes', 'declaredJobTypes']) {
      const contracts = asContracts(exported[name]);
      if (contracts?.length) return contracts.filter((contract) => !contract.type.startsWith('io.camunda.'));
    }
  }
  return [];
}

export async function loadElementTemplates(root = repositoryRoot): Promise<ElementTemplate[]> {
  return (await loadJobContracts(root)).map(elementTemplate);
}
