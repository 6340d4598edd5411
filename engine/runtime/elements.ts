// What each kind of BPMN element does when a token enters it: pass through,
// wait for a job, a message, a timer or a signal, evaluate a script or a
// decision, open a subprocess or call another process, throw an error, end.
import { stringOf, valueOf } from '../feel.ts';
import type { FlowNode } from '../model/bpmn.ts';
import { evaluateDecision } from '../model/dmn.ts';
import type { ElementInstance, Job, ProcessInstance } from '../store/entities.ts';
import { userTaskHeaders } from '../user-tasks.ts';
import { openScope, openWaits, startTriggered, throwError } from './events.ts';
import type { Executor } from './executor.ts';
import { IncidentError } from './incidents.ts';
import { visibleVariables } from './variables.ts';

export function behave(executor: Executor, instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
  const trigger = node.trigger;
  switch (node.type) {
    case 'startEvent':
    case 'task':
    case 'manualTask':
    case 'exclusiveGateway':
    case 'inclusiveGateway':
    case 'parallelGateway':
    case 'boundaryEvent':
      executor.complete(instance, element);
      return;
    case 'endEvent':
    case 'intermediateThrowEvent':
      if (trigger?.kind === 'error') {
        const code = trigger.errorCode!;
        if (!throwError(executor, instance, element, code, '', {})) {
          throw new IncidentError('UNHANDLED_ERROR_EVENT', `Expected to throw an error event with the code '${code}', but it was not caught. No error events are available in the scope.`);
        }
        return;
      }
      if (trigger?.kind === 'terminate') {
        for (const sibling of executor.children(instance, element.scopeKey)) if (sibling !== element) executor.terminate(instance, sibling);
        executor.complete(instance, element);
        return;
      }
      if (trigger?.kind === 'signal') {
        executor.queue({ kind: 'broadcast', instanceKey: instance.key, signalName: trigger.signalName! });
        executor.complete(instance, element);
        return;
      }
      if (node.job) {
        createJob(executor, instance, element, node);
        return;
      }
      executor.complete(instance, element);
      return;
    case 'intermediateCatchEvent':
    case 'receiveTask':
      openWaits(executor, instance, element, [{ owner: element, node }], node.type === 'receiveTask' && element.mi !== 'inner' ? node.boundaries : []);
      return;
    case 'eventBasedGateway': {
      const targets = node.outgoing.map((flow) => executor.node(instance, flow.target));
      openWaits(executor, instance, element, targets.map((target) => ({ owner: element, node: target })), []);
      return;
    }
    case 'serviceTask':
    case 'sendTask':
    case 'userTask':
    case 'scriptTask':
    case 'businessRuleTask': {
      if (node.script) {
        const value = valueOf(node.script.expression, visibleVariables(instance, element.key));
        openScope(executor, instance, element, node);
        executor.completeWithVariables(instance, element, { [node.script.resultVariable]: value });
        return;
      }
      if (node.decision) {
        evaluateCalledDecision(executor, instance, element, node);
        return;
      }
      createJob(executor, instance, element, node);
      return;
    }
    case 'subProcess':
      openScope(executor, instance, element, node);
      executor.activate(instance, node.noneStart!, element.key);
      return;
    case 'eventSubProcess':
      openScope(executor, instance, element, node);
      startTriggered(executor, instance, element);
      return;
    case 'callActivity':
      callProcess(executor, instance, element, node);
      return;
    default:
      throw new IncidentError('UNKNOWN', `element type ${node.type} cannot be executed`);
  }
}

function createJob(executor: Executor, instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
  const { engine } = executor;
  const context = visibleVariables(instance, element.key);
  const definition = node.job!;
  const type = stringOf(definition.type, context);
  const retriesValue = valueOf(definition.retries, context);
  const retries = typeof retriesValue === 'number' ? retriesValue : Number(retriesValue);
  if (!Number.isFinite(retries)) throw new IncidentError('EXTRACT_VALUE_ERROR', `Expected job retries of '${node.id}' to be a number, but was '${JSON.stringify(retriesValue)}'.`);
  const headers = { ...definition.headers };
  if (node.userTask) Object.assign(headers, userTaskHeaders(node.userTask, context, (formId) => engine.deployments.latestForm(formId)?.key));
  openScope(executor, instance, element, node);
  const job: Job = {
    key: engine.state.nextKey(), type, processInstanceKey: instance.key, elementInstanceKey: element.key, elementId: node.id,
    bpmnProcessId: instance.bpmnProcessId, processDefinitionKey: instance.processDefinitionKey, version: instance.version,
    customHeaders: headers, retries, state: 'activatable', tenantId: instance.tenantId,
  };
  element.jobKey = job.key;
  engine.jobs.add(job);
  executor.touch(instance);
}

function evaluateCalledDecision(executor: Executor, instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
  const context = visibleVariables(instance, element.key);
  const decisionId = stringOf(node.decision!.decisionId, context);
  const found = executor.engine.deployments.latestDecision(decisionId);
  if (!found) throw new IncidentError('CALLED_DECISION_ERROR', `Expected to evaluate decision '${decisionId}', but no decision found for id '${decisionId}'`);
  const result = evaluateDecision(found.drg, decisionId, context);
  if (result.failure) throw new IncidentError('DECISION_EVALUATION_ERROR', result.failure);
  openScope(executor, instance, element, node);
  executor.completeWithVariables(instance, element, { [node.decision!.resultVariable]: result.output });
}

function callProcess(executor: Executor, instance: ProcessInstance, element: ElementInstance, node: FlowNode): void {
  const { deployments } = executor.engine;
  const call = node.call!;
  const context = visibleVariables(instance, element.key);
  const processId = stringOf(call.processId, context);
  const definition = deployments.latestProcess(processId);
  if (!definition) throw new IncidentError('CALLED_ELEMENT_ERROR', `Expected process with BPMN process id '${processId}' to be deployed, but not found.`);
  const model = deployments.model(definition.key);
  if (!model.nodes.get(model.id)!.noneStart) throw new IncidentError('CALLED_ELEMENT_ERROR', `Expected process with BPMN process id '${processId}' to have a none start event, but not found.`);
  openScope(executor, instance, element, node);
  const variables = call.propagateAllParentVariables ? context : { ...(instance.variables[element.key] ?? {}) };
  const child = executor.createInstance(definition, variables, { parent: { instanceKey: instance.key, elementInstanceKey: element.key } });
  element.childKey = child.key;
  executor.touch(instance);
}
