// The Persian name and linked form of a user task, read from the diagram
// version its instance actually runs. A job names that version by
// processDefinitionKey; the gateway API cannot hand the XML back, so we find
// it where our own deployments leave it:
//
// 1. `process_versions`: an analyst deployed it from the modeler, which records
//    the engine's key on the saved version. Exact.
// 2. `processes/<bpmnProcessId>.bpmn` (or `shared/`): deploy on start and `npm
//    run deploy` send exactly these files, and skip a process whose deployed
//    version came from the modeler, so a key not in (1) is a repository
//    deployment. Exact unless the file changed since that deployment and an
//    instance of the older one is still running; then today's file speaks.
// 3. Neither (a diagram deployed by other means): the element id stands in
//    for the name, and the job's formKey header gives the form id when it is
//    one (not a number) or is the key of a form version saved in the modeler.
import fs from 'node:fs';
import type { Knex } from 'knex';
import { listDiagrams, processesDirectory, readDiagram } from '../../processes/diagrams.ts';

export interface TaskElement {
  /** Persian name of the element, whitespace collapsed; null when the diagram gives none. */
  name: string | null;
  formId: string | null;
}

export type DefinitionSource = 'modeler' | 'repository' | 'unknown';

export interface ResolvedTask {
  name: string;
  formId: string | null;
  source: DefinitionSource;
}

export interface TaskJobIdentity {
  processDefinitionKey: string;
  bpmnProcessId: string;
  elementId: string;
  /** The io.camunda.zeebe:formKey header, if any. */
  formKey?: string | undefined;
}

interface Definition { source: DefinitionSource; elements: Map<string, TaskElement> }

export interface ResolverOptions {
  db: Knex;
  directory?: string;
  /**
   * How long an answer not found in `process_versions` is kept: the modeler
   * records the key just after the engine answers the deployment, so a task
   * created in between must not pin the repository's answer for good.
   */
  fallbackTtlMs?: number;
}

const collapse = (text: string | undefined): string | null => text?.replace(/\s+/g, ' ').trim() || null;

/** Every user task of a diagram by element id: its name and linked form (a custom formKey when no formId). */
export async function userTaskElements(xml: string): Promise<Map<string, TaskElement>> {
  const diagram = await readDiagram(xml);
  const names = new Map(diagram.elements.map((element) => [element.id, collapse(element.name)]));
  return new Map(diagram.userTasks.map((task) => [task.elementId, {
    name: names.get(task.elementId) ?? null,
    formId: task.formId ?? task.formKey ?? null,
  }]));
}

export function createTaskDefinitionResolver({ db, directory = processesDirectory, fallbackTtlMs = 60_000 }: ResolverOptions) {
  const byKey = new Map<string, { definition: Promise<Definition>; expires: number }>();
  // A file is read once per process: what deploy on start sent is the file as it was then.
  const repository = new Map<string, Promise<Map<string, TaskElement> | undefined>>();

  const repositoryElements = (processId: string) => {
    let found = repository.get(processId);
    if (!found) {
      const file = listDiagrams(directory).find((diagram) => diagram.id === processId)?.file;
      found = file ? userTaskElements(fs.readFileSync(file, 'utf8')) : Promise.resolve(undefined);
      repository.set(processId, found);
    }
    return found;
  };

  async function load(processDefinitionKey: string, bpmnProcessId: string): Promise<Definition> {
    const saved = await db('process_versions').where({ process_definition_key: processDefinitionKey })
      .orderBy('version', 'desc').first('xml') as { xml: string } | undefined;
    if (saved) return { source: 'modeler', elements: await userTaskElements(saved.xml) };
    const elements = await repositoryElements(bpmnProcessId);
    return elements ? { source: 'repository', elements } : { source: 'unknown', elements: new Map() };
  }

  function definition(processDefinitionKey: string, bpmnProcessId: string): Promise<Definition> {
    const cached = byKey.get(processDefinitionKey);
    if (cached && cached.expires > Date.now()) return cached.definition;
    const loading = load(processDefinitionKey, bpmnProcessId);
    byKey.set(processDefinitionKey, { definition: loading, expires: Number.POSITIVE_INFINITY });
    loading.then(
      // A deployed definition never changes, so an exact answer is kept for good.
      (found) => { if (found.source !== 'modeler') byKey.set(processDefinitionKey, { definition: loading, expires: Date.now() + fallbackTtlMs }); },
      () => byKey.delete(processDefinitionKey),
    );
    return loading;
  }

  /** A form id for a formKey header: itself unless it is an engine key; an engine key through the modeler's form deployments. */
  async function formIdOfKey(formKey: string | undefined): Promise<string | null> {
    if (!formKey) return null;
    if (!/^[0-9]+$/.test(formKey)) return formKey;
    const saved = await db('form_versions').where({ form_key: formKey }).first('form_id') as { form_id: string } | undefined;
    return saved?.form_id ?? null;
  }

  return {
    async resolve(job: TaskJobIdentity): Promise<ResolvedTask> {
      const { source, elements } = await definition(job.processDefinitionKey, job.bpmnProcessId);
      const element = elements.get(job.elementId);
      return {
        name: element?.name ?? job.elementId,
        formId: element ? element.formId : await formIdOfKey(job.formKey),
        source: element ? source : 'unknown',
      };
    },
  };
}

export type TaskDefinitionResolver = ReturnType<typeof createTaskDefinitionResolver>;
