// Zeebe extension elements as XML fragments, for the diagram generator.
import { escapeXml } from './bpmn-writer.ts';

export type Mapping = [target: string, source: string];

function ioMapping(inputs: Mapping[] = [], outputs: Mapping[] = []): string[] {
  if (!inputs.length && !outputs.length) return [];
  return [
    '<zeebe:ioMapping>',
    ...inputs.map(([target, source]) => `  <zeebe:input source="${escapeXml(source)}" target="${target}" />`),
    ...outputs.map(([target, source]) => `  <zeebe:output source="${escapeXml(source)}" target="${target}" />`),
    '</zeebe:ioMapping>',
  ];
}

export interface JobOptions {
  headers?: Record<string, string>;
  inputs?: Mapping[];
  outputs?: Mapping[];
}

export function job(type: string, options: JobOptions = {}): string {
  const headers = Object.entries(options.headers ?? {});
  return [
    `<zeebe:taskDefinition type="${type}" retries="3" />`,
    ...(headers.length
      ? ['<zeebe:taskHeaders>', ...headers.map(([key, value]) => `  <zeebe:header key="${key}" value="${escapeXml(value)}" />`), '</zeebe:taskHeaders>']
      : []),
    ...ioMapping(options.inputs, options.outputs),
  ].join('\n');
}

/** Candidate group of a district role, as FEEL: `district-12:inspector`. */
export function districtGroup(role: string): string {
  return `"district-" + string(districtId) + ":${role}"`;
}

export interface UserTaskOptions {
  formId: string;
  /** FEEL list expression, with the leading `=`. */
  candidateGroups: string;
  assignee?: string;
  dueDate?: string;
  inputs?: Mapping[];
  outputs?: Mapping[];
}

/** A job-worker user task (no zeebe:userTask): works on Zeebe and on the embedded engine alike. */
export function userTask(options: UserTaskOptions): string {
  const assignee = options.assignee ? ` assignee="${escapeXml(options.assignee)}"` : '';
  return [
    `<zeebe:formDefinition formId="${options.formId}" />`,
    `<zeebe:assignmentDefinition${assignee} candidateGroups="${escapeXml(options.candidateGroups)}" />`,
    ...(options.dueDate ? [`<zeebe:taskSchedule dueDate="${escapeXml(options.dueDate)}" />`] : []),
    ...ioMapping(options.inputs, options.outputs),
  ].join('\n');
}

/** A call activity that passes only what it maps, both ways. */
export function called(processId: string, inputs: Mapping[], outputs: Mapping[]): string {
  return [
    `<zeebe:calledElement processId="${processId}" propagateAllChildVariables="false" propagateAllParentVariables="false" />`,
    ...ioMapping(inputs, outputs),
  ].join('\n');
}

/** Variables every called process receives: who, which request, when due. */
export const requestInputs: Mapping[] = ['requestId', 'trackingCode', 'serviceId', 'districtId', 'citizen', 'dueDate']
  .map((name) => [name, `=${name}`]);

export function passThrough(...names: string[]): Mapping[] {
  return names.map((name) => [name, `=${name}`]);
}
