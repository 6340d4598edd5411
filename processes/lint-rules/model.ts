// Just enough of the moddle element shape for the project's lint rules.

export interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  [property: string]: unknown;
}

export interface Reporter {
  report(id: string | undefined, message: string): void;
}

export interface Rule {
  check(node: ModdleElement, reporter: Reporter): void;
}

/** The extension elements of `type` on `node`, e.g. `zeebe:TaskDefinition`. */
export function extensions(node: ModdleElement, type: string): ModdleElement[] {
  const container = node.extensionElements as { values?: ModdleElement[] } | undefined;
  return (container?.values ?? []).filter((value) => value.$type === type);
}

export function extension(node: ModdleElement, type: string): ModdleElement | undefined {
  return extensions(node, type)[0];
}

export function headers(node: ModdleElement): Map<string, string> {
  const values = (extension(node, 'zeebe:TaskHeaders')?.values as ModdleElement[] | undefined) ?? [];
  return new Map(values.map((header) => [String(header.key), String(header.value)]));
}

export function inputs(node: ModdleElement): Map<string, string> {
  const mapping = extension(node, 'zeebe:IoMapping');
  const values = (mapping?.inputParameters as ModdleElement[] | undefined) ?? [];
  return new Map(values.map((input) => [String(input.target), String(input.source)]));
}

export const isFlowNode = (node: ModdleElement) =>
  /^bpmn:(StartEvent|EndEvent|IntermediateCatchEvent|IntermediateThrowEvent|BoundaryEvent|\w*Task|CallActivity|\w*Gateway|SubProcess)$/.test(node.$type);

/** The text of a FEEL string literal mapping (`="completed"`), else undefined. */
export function literal(source: string | undefined): string | undefined {
  return /^="([^"]*)"$/.exec(source ?? '')?.[1];
}

/** The job type of a task with a zeebe:taskDefinition. */
export function jobType(node: ModdleElement): string | undefined {
  const type = extension(node, 'zeebe:TaskDefinition')?.type;
  return typeof type === 'string' ? type : undefined;
}
