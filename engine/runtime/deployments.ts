// Deployed resources and their compiled models: versioning by checksum, the
// latest version per id, and the start events (timer, message, signal) that
// belong to the latest version of each process.
import { createHash } from 'node:crypto';
import { ModelError, parseBpmn, type ProcessModel } from '../model/bpmn.ts';
import { parseDmn, type DrgModel } from '../model/dmn.ts';
import { deployLimits, xmlNestingProblem } from '../model/limits.ts';
import { timerSchedule } from '../model/timers.ts';
import type { Resource, ResourceKind } from '../store/entities.ts';
import { textProblem, xmlTextProblem } from '../values.ts';
import type { Engine } from './engine.ts';
import { failedPrecondition, invalid, notFound } from './errors.ts';

export type Prepared =
  | { kind: 'bpmn'; name: string; content: string; processes: ProcessModel[] }
  | { kind: 'dmn'; name: string; content: string; drg: DrgModel }
  | { kind: 'form'; name: string; content: string; formId: string };

export type DeploymentMetadata =
  | { process: { bpmnProcessId: string; version: number; processDefinitionKey: number; resourceName: string; tenantId: string } }
  | { decision: { dmnDecisionId: string; dmnDecisionName: string; version: number; decisionKey: number; dmnDecisionRequirementsId: string; decisionRequirementsKey: number; tenantId: string } }
  | { decisionRequirements: { dmnDecisionRequirementsId: string; dmnDecisionRequirementsName: string; version: number; decisionRequirementsKey: number; resourceName: string; tenantId: string } }
  | { form: { formId: string; version: number; formKey: number; resourceName: string; tenantId: string } };

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

export class Deployments {
  private readonly models = new Map<number, ProcessModel>();
  private readonly drgs = new Map<number, DrgModel>();
  private readonly latest = new Map<string, Resource>();
  /**
   * Parsed diagrams by content checksum, with what the engine would refuse in
   * them at deploy. Start-up loads the stored diagrams and then redeploys
   * every unchanged one; parsing is the slow part, so each is parsed once.
   */
  private readonly parsed = new Map<string, { processes: ProcessModel[]; unsupported: string | null }>();

  constructor(private readonly engine: Engine) {}

  /** Deploy refuses what the engine would not run as Zeebe does; loading a stored resource does not (it was accepted once). */
  private async parseProcesses(content: string, mode: 'deploy' | 'load'): Promise<ProcessModel[]> {
    const sum = checksum(content);
    let parsed = this.parsed.get(sum);
    if (!parsed) {
      const { processes, unsupported } = await parseBpmn(content, { refuseUnsupported: false });
      parsed = { processes, unsupported };
      this.parsed.set(sum, parsed);
    }
    if (mode === 'deploy' && parsed.unsupported) throw new ModelError(parsed.unsupported);
    return parsed.processes;
  }

  private latestKey(kind: ResourceKind, id: string): string {
    return `${kind}\u0000${id}`;
  }

  async load(): Promise<void> {
    for (const resource of this.engine.state.resources.values()) {
      if (resource.kind === 'process') {
        const processes = await this.parseProcesses(resource.content!, 'load');
        const model = processes.find((p) => p.id === resource.resourceId);
        if (model) this.models.set(resource.key, model);
      } else if (resource.kind === 'decision_requirements') {
        this.drgs.set(resource.key, await parseDmn(resource.content!));
      }
      if (!resource.deleted) this.considerLatest(resource);
    }
  }

  private considerLatest(resource: Resource): void {
    const key = this.latestKey(resource.kind, resource.resourceId);
    const current = this.latest.get(key);
    if (!current || current.version < resource.version) this.latest.set(key, resource);
  }

  private recomputeLatest(kind: ResourceKind, id: string): void {
    this.latest.delete(this.latestKey(kind, id));
    for (const resource of this.engine.state.resources.values()) {
      if (resource.kind === kind && resource.resourceId === id && !resource.deleted) this.considerLatest(resource);
    }
  }

  model(processDefinitionKey: number): ProcessModel {
    const model = this.models.get(processDefinitionKey);
    if (!model) throw new Error(`no model for process definition ${processDefinitionKey}`);
    return model;
  }

  latestProcess(bpmnProcessId: string): Resource | undefined {
    return this.latest.get(this.latestKey('process', bpmnProcessId));
  }

  latestForm(formId: string): Resource | undefined {
    return this.latest.get(this.latestKey('form', formId));
  }

  latestDecision(decisionId: string): { resource: Resource; drg: DrgModel } | undefined {
    const resource = this.latest.get(this.latestKey('decision', decisionId));
    return resource ? this.decision(resource) : undefined;
  }

  decisionByKey(key: number): { resource: Resource; drg: DrgModel } | undefined {
    const resource = this.engine.state.resources.get(key);
    return resource?.kind === 'decision' && !resource.deleted ? this.decision(resource) : undefined;
  }

  private decision(resource: Resource): { resource: Resource; drg: DrgModel } {
    return { resource, drg: this.drgs.get(resource.parentKey!)! };
  }

  processByKey(key: number): Resource | undefined {
    const resource = this.engine.state.resources.get(key);
    return resource?.kind === 'process' && !resource.deleted ? resource : undefined;
  }

  processVersion(bpmnProcessId: string, version: number): Resource | undefined {
    for (const resource of this.engine.state.resources.values()) {
      if (resource.kind === 'process' && resource.resourceId === bpmnProcessId && resource.version === version && !resource.deleted) return resource;
    }
    return undefined;
  }

  /** Latest processes with a start event of this kind and name. */
  startEvents(kind: 'message' | 'signal', name: string): Array<{ definition: Resource; startEventId: string }> {
    const found: Array<{ definition: Resource; startEventId: string }> = [];
    for (const resource of this.latest.values()) {
      if (resource.kind !== 'process') continue;
      const model = this.models.get(resource.key)!;
      for (const id of model.nodes.get(model.id)!.startEvents) {
        const trigger = model.nodes.get(id)!.trigger!;
        if (kind === 'message' && trigger.kind === 'message' && trigger.messageName === name) found.push({ definition: resource, startEventId: id });
        if (kind === 'signal' && trigger.kind === 'signal' && trigger.signalName === name) found.push({ definition: resource, startEventId: id });
      }
    }
    return found;
  }

  /** Parses and validates resources outside the command loop (parsing is asynchronous). */
  async prepare(resources: Array<{ name: string; content: Buffer }>): Promise<Prepared[]> {
    if (resources.length === 0) throw invalid('Expected to deploy at least one resource, but none given');
    const prepared: Prepared[] = [];
    const errors: string[] = [];
    for (const resource of resources) {
      const content = resource.content.toString('utf8');
      const lower = resource.name.toLowerCase();
      try {
        if (resource.content.length > deployLimits.resourceBytes) {
          throw new ModelError(`The resource is ${resource.content.length} bytes; the engine accepts at most ${deployLimits.resourceBytes} bytes per resource`);
        }
        const problem = lower.endsWith('.form') ? textProblem(content) : xmlTextProblem(content) ?? xmlNestingProblem(content);
        if (problem) throw new ModelError(`The resource ${problem}`);
        if (lower.endsWith('.bpmn') || lower.endsWith('.xml')) {
          prepared.push({ kind: 'bpmn', name: resource.name, content, processes: await this.parseProcesses(content, 'deploy') });
        } else if (lower.endsWith('.dmn')) {
          prepared.push({ kind: 'dmn', name: resource.name, content, drg: await parseDmn(content) });
        } else if (lower.endsWith('.form')) {
          let form: { id?: unknown };
          try {
            form = JSON.parse(content);
          } catch {
            throw new ModelError('Failed to parse form: not valid JSON');
          }
          if (typeof form?.id !== 'string' || form.id === '') throw new ModelError("Expected the form to have an 'id'");
          const idProblem = textProblem(form.id);
          if (idProblem) throw new ModelError(`The form's id ${idProblem}`);
          prepared.push({ kind: 'form', name: resource.name, content, formId: form.id });
        } else {
          throw new ModelError('Resource type is not supported. Supported resources are .bpmn, .xml, .dmn and .form');
        }
      } catch (error) {
        if (!(error instanceof ModelError)) throw error;
        errors.push(`'${resource.name}': ${error.message}`);
      }
    }
    if (errors.length > 0) throw invalid(`Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected to deploy new resources, but encountered the following errors:\n${errors.join('\n')}`);
    const ids = new Map<string, string>();
    for (const item of prepared) {
      const newIds = item.kind === 'bpmn' ? item.processes.map((p) => `process ${p.id}`)
        : item.kind === 'dmn' ? [`decision requirements ${item.drg.id}`, ...[...item.drg.decisions.keys()].map((d) => `decision ${d}`)]
          : [`form ${item.formId}`];
      for (const id of newIds) {
        if (ids.has(id)) throw invalid(`Expected to deploy new resources, but encountered the following errors:\nDuplicated ${id} in resources '${ids.get(id)}' and '${item.name}'`);
        ids.set(id, item.name);
      }
    }
    return prepared;
  }

  /** Registers prepared resources: runs inside a command. */
  register(prepared: Prepared[], tenantId: string): { key: number; deployments: DeploymentMetadata[] } {
    const { state } = this.engine;
    const deploymentKey = state.nextKey();
    const deployments: DeploymentMetadata[] = [];
    const version = (kind: ResourceKind, id: string, sum: string): { existing?: Resource; next: number } => {
      const latest = this.latest.get(this.latestKey(kind, id));
      let highest = 0;
      for (const resource of state.resources.values()) if (resource.kind === kind && resource.resourceId === id) highest = Math.max(highest, resource.version);
      if (latest && latest.checksum === sum) return { existing: latest, next: latest.version };
      return { next: highest + 1 };
    };
    const create = (resource: Omit<Resource, 'key' | 'deploymentKey' | 'tenantId' | 'deleted'>): Resource => {
      const full: Resource = { ...resource, key: state.nextKey(), deploymentKey, tenantId, deleted: false };
      state.put('resources', full);
      return full;
    };
    for (const item of prepared) {
      if (item.kind === 'bpmn') {
        for (const model of item.processes) {
          const sum = checksum(`${model.id}\u0000${item.content}`);
          const { existing, next } = version('process', model.id, sum);
          let resource = existing;
          if (!resource) {
            const previous = this.latestProcess(model.id);
            resource = create({ kind: 'process', resourceId: model.id, version: next, name: model.name ?? null, resourceName: item.name, checksum: sum, parentKey: null, content: item.content });
            this.models.set(resource.key, model);
            this.considerLatest(resource);
            this.replaceStartTimers(previous, resource);
          }
          deployments.push({ process: { bpmnProcessId: model.id, version: resource.version, processDefinitionKey: resource.key, resourceName: resource.resourceName, tenantId } });
        }
      } else if (item.kind === 'dmn') {
        const sum = checksum(item.content);
        const { existing, next } = version('decision_requirements', item.drg.id, sum);
        let drgResource = existing;
        const decisionResources: Resource[] = [];
        if (!drgResource) {
          drgResource = create({ kind: 'decision_requirements', resourceId: item.drg.id, version: next, name: item.drg.name, resourceName: item.name, checksum: sum, parentKey: null, content: item.content });
          this.drgs.set(drgResource.key, item.drg);
          this.considerLatest(drgResource);
          for (const decision of item.drg.decisions.values()) {
            const decisionVersion = version('decision', decision.id, checksum(`${decision.id}\u0000${item.content}`));
            const resource = create({ kind: 'decision', resourceId: decision.id, version: decisionVersion.next, name: decision.name, resourceName: item.name, checksum: checksum(`${decision.id}\u0000${item.content}`), parentKey: drgResource.key, content: null });
            this.considerLatest(resource);
            decisionResources.push(resource);
          }
        } else {
          for (const resource of state.resources.values()) if (resource.kind === 'decision' && resource.parentKey === drgResource.key) decisionResources.push(resource);
        }
        deployments.push({ decisionRequirements: { dmnDecisionRequirementsId: item.drg.id, dmnDecisionRequirementsName: item.drg.name, version: drgResource.version, decisionRequirementsKey: drgResource.key, resourceName: item.name, tenantId } });
        for (const resource of decisionResources) {
          deployments.push({ decision: { dmnDecisionId: resource.resourceId, dmnDecisionName: resource.name ?? resource.resourceId, version: resource.version, decisionKey: resource.key, dmnDecisionRequirementsId: item.drg.id, decisionRequirementsKey: drgResource.key, tenantId } });
        }
      } else {
        const sum = checksum(item.content);
        const { existing, next } = version('form', item.formId, sum);
        let resource = existing;
        if (!resource) {
          resource = create({ kind: 'form', resourceId: item.formId, version: next, name: null, resourceName: item.name, checksum: sum, parentKey: null, content: item.content });
          this.considerLatest(resource);
        }
        deployments.push({ form: { formId: item.formId, version: resource.version, formKey: resource.key, resourceName: resource.resourceName, tenantId } });
      }
    }
    return { key: deploymentKey, deployments };
  }

  /** Timer start events belong to the latest version only. */
  private replaceStartTimers(previous: Resource | undefined, next: Resource | undefined): void {
    const { state } = this.engine;
    if (previous) {
      for (const timer of [...state.timers.values()]) {
        if (timer.processInstanceKey === undefined && timer.processDefinitionKey === previous.key) state.remove('timers', timer.key);
      }
    }
    if (!next) return;
    const model = this.models.get(next.key)!;
    for (const id of model.nodes.get(model.id)!.startEvents) {
      const trigger = model.nodes.get(id)!.trigger!;
      if (trigger.kind !== 'timer') continue;
      const schedule = timerSchedule(trigger.timer!.type, trigger.timer!.value, this.engine.clock.now());
      if (typeof schedule === 'string') continue; // expressions on start timers have no variables to read
      this.engine.addTimer({
        key: state.nextKey(), dueAt: schedule.dueAt, elementId: id, processDefinitionKey: next.key,
        ...(schedule.interval ? { repetitions: schedule.repetitions, interval: schedule.interval } : {}),
      });
    }
  }

  /** DeleteResource: the version disappears; the previous one becomes the latest again. */
  delete(key: number): void {
    const { state } = this.engine;
    const resource = state.resources.get(key);
    if (!resource || resource.deleted || resource.kind === 'decision') {
      throw notFound(`Expected to delete resource but no resource found with key '${key}'`);
    }
    if (resource.kind === 'process') {
      for (const instance of state.instances.values()) {
        if (instance.processDefinitionKey === key) throw failedPrecondition(`Expected to delete resource with key '${key}' but there are running instances for this process definition`);
      }
    }
    const wasLatest = this.latestProcess(resource.resourceId)?.key === key;
    resource.deleted = true;
    state.touch('resources', resource);
    this.recomputeLatest(resource.kind, resource.resourceId);
    if (resource.kind === 'decision_requirements') {
      for (const decision of state.resources.values()) {
        if (decision.kind === 'decision' && decision.parentKey === key) {
          decision.deleted = true;
          state.touch('resources', decision);
          this.recomputeLatest('decision', decision.resourceId);
        }
      }
    }
    if (resource.kind === 'process' && wasLatest) this.replaceStartTimers(resource, this.latestProcess(resource.resourceId));
  }
}
