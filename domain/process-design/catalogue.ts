// The processes an analyst can open: every diagram in processes/ (services and
// shared called processes) and every process saved from the modeler, named
// in Persian from the catalogue when it has an entry, else from the diagram.
import fs from 'node:fs';
import path from 'node:path';
import { processesDirectory } from '../../platform/deployment.ts';
import { importSourceModule } from '../../platform/paths.ts';
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

type CatalogueRecord = Record<string, unknown>;

/**
 * Persian service names by id from processes/catalogue/ (`services`, each
 * with `name: { fa, en }`), read leniently: a record keyed by id or flat
 * `name_fa` fields do too, and a missing or broken catalogue leaves the
 * diagrams' own names.
 */
export async function catalogueNames(directory = processesDirectory): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const candidates = ['index.ts', 'catalogue.ts', 'services.ts'].map((file) => path.join(directory, 'catalogue', file));
  const module = candidates.find((file) => fs.existsSync(file));
  if (!module) return names;
  let exported: Record<string, unknown>;
  try {
    exported = await importSourceModule(module);
  } catch {
    return names;
  }
  // The catalogue's `services` when it exports them by that name, else any list it exports.
  const lists = exported.services ? [exported.services] : Object.values(exported);
  for (const value of lists) {
    const entries = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.entries(value).map(([key, entry]) => (
      entry && typeof entry === 'object' ? { id: key, ...entry as CatalogueRecord } : null
    )) : [];
    for (const entry of entries as Array<CatalogueRecord | null>) {
      const id = entry?.id ?? entry?.slug;
      const localised = entry?.name && typeof entry.name === 'object' ? (entry.name as { fa?: unknown }).fa : undefined;
      const name = localised ?? entry?.name_fa ?? entry?.nameFa ?? entry?.name ?? entry?.title;
      if (typeof id === 'string' && typeof name === 'string' && !names.has(id)) names.set(id, name);
    }
  }
  return names;
}

/**
 * Diagram files and saved processes, merged by id, sorted by id. A name comes
 * from the catalogue, else from the latest saved version, else the file.
 */
export async function listProcesses(saved: Map<string, { name: string | null }>, directory = processesDirectory): Promise<ProcessEntry[]> {
  const names = await catalogueNames(directory);
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
