// The processes an analyst can open: every diagram in processes/ (services and
// shared called processes) and every process saved from the modeler, named
// in Persian from the catalogue when it has an entry, else from the diagram.
import fs from 'node:fs';
import { processesDirectory } from '../../platform/deployment.ts';
import { services as catalogueServices } from '../../processes/catalogue/index.ts';
import type { Service } from '../../processes/catalogue/types.ts';
import { listDiagrams, type DiagramFile } from '../../processes/diagrams.ts';

export interface ProcessEntry {
  id: string;
  /** Persian name shown in the list. */
  name: string;
  shared: boolean;
  /** Whether a diagram file for it exists in processes/. */
  inRepository: boolean;
}

/** processes/<id>.bpmn and processes/shared/<id>.bpmn, sorted by id; the file name is the process id. */
export function listDiagramFiles(directory = processesDirectory): DiagramFile[] {
  return listDiagrams(directory).sort((a, b) => a.id.localeCompare(b.id));
}

export function findDiagramFile(id: string, directory = processesDirectory): DiagramFile | undefined {
  return listDiagramFiles(directory).find((diagram) => diagram.id === id);
}

/** The `name` of the diagram's process element, read without a full parse: the list shows 54+ of them. */
export function diagramProcessName(xml: string, id: string): string | undefined {
  const processTag = new RegExp(`<(?:\\w+:)?process\\b[^>]*\\bid="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>`).exec(xml)?.[0];
  const name = processTag && /\bname="([^"]*)"/.exec(processTag)?.[1];
  return name ? decodeXmlText(name) : undefined;
}

function decodeXmlText(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** What the process list needs of a catalogue service. */
export type NamedService = Pick<Service, 'id' | 'name'>;

/**
 * Persian service names by id, from the catalogue imported as the code it is:
 * a broken catalogue fails loudly here (and in its own tests), never quietly
 * leaving the list with the diagrams' own names.
 */
export function catalogueNames(services: readonly NamedService[] = catalogueServices): Map<string, string> {
  return new Map(services.map((service) => [service.id, service.name.fa]));
}

/**
 * Diagram files and saved processes, merged by id, sorted by id. A name comes
 * from the catalogue, else from the latest saved version, else the file.
 */
export function listProcesses(saved: Map<string, { name: string | null }>, directory = processesDirectory, services: readonly NamedService[] = catalogueServices): ProcessEntry[] {
  const names = catalogueNames(services);
  const entries = new Map<string, ProcessEntry>();
  for (const diagram of listDiagramFiles(directory)) {
    const name = names.get(diagram.id) ?? saved.get(diagram.id)?.name ?? diagramProcessName(fs.readFileSync(diagram.file, 'utf8'), diagram.id) ?? diagram.id;
    entries.set(diagram.id, { id: diagram.id, name, shared: diagram.shared, inRepository: true });
  }
  for (const [id, { name }] of saved) {
    if (!entries.has(id)) entries.set(id, { id, name: names.get(id) ?? name ?? id, shared: false, inRepository: false });
  }
  return [...entries.values()].sort((a, b) => a.id.localeCompare(b.id));
}
