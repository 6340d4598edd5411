// The Zeebe Gateway service: request validation and translation to engine
// commands, with Zeebe's rejection codes. Each handler answers only after the
// command's effects are committed.
import { status, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import { evaluateDecision } from '../model/dmn.ts';
import type { Engine } from '../runtime/engine.ts';
import { failedPrecondition, GatewayError, invalid, notFound, variablesOf } from '../runtime/errors.ts';
import type { ActivatedJob, JobRequest } from '../runtime/jobs.ts';
import { pick, setLocal, propagate } from '../runtime/variables.ts';
import type { Resource } from '../store/entities.ts';

type Req = Record<string, any>;
type Unary = (call: ServerUnaryCall<Req, Req>, callback: sendUnaryData<Req>) => void;
type Streaming = (call: ServerWritableStream<Req, Req>) => void;

/** The newest protocol served (engine/grpc/protocol.ts): 8.3 clients and 8.8 clients both work. */
const gatewayVersion = '8.8.0';
/** Default long-polling time when a worker sends requestTimeout 0, as Zeebe's gateway. */
const defaultLongPollMs = 10_000;

const key = (value: unknown): number => Number(value ?? 0);

function checkTenant(tenantId: unknown): string {
  if (tenantId === undefined || tenantId === null || tenantId === '' || tenantId === '<default>') return '<default>';
  throw invalid(`Expected to handle gRPC request with tenant identifier '${String(tenantId)}', but multi-tenancy is disabled`);
}

/** A job or request timeout in milliseconds: positive, and small enough that a deadline stays a date. */
function durationMs(value: unknown, what: string): number {
  const ms = key(value);
  if (!Number.isSafeInteger(ms) || ms < 1) throw invalid(`Expected ${what} to be a positive number of milliseconds, but was ${String(value)}`);
  if (ms > maxDurationMs) throw invalid(`Expected ${what} to be at most ${maxDurationMs} milliseconds (about 100 years), but was ${String(value)}`);
  return ms;
}
const maxDurationMs = 100 * 365 * 24 * 3_600_000;

function checkTenants(tenantIds: unknown): string[] {
  const ids = (tenantIds ?? []) as string[];
  for (const id of ids) checkTenant(id);
  return ids;
}

function toStatus(error: unknown): { code: status; details: string } {
  if (error instanceof GatewayError) return { code: error.code, details: error.message };
  return { code: status.INTERNAL, details: (error as Error)?.message ?? String(error) };
}

function unary(handler: (request: Req) => Promise<Req> | Req): Unary {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handler(call.request))
      .then((response) => callback(null, response), (error) => callback(toStatus(error) as never));
  };
}

function processResponse(definition: Resource, instanceKey: number): Req {
  return {
    processDefinitionKey: definition.key, bpmnProcessId: definition.resourceId, version: definition.version,
    processInstanceKey: instanceKey, tenantId: definition.tenantId,
  };
}

export function gatewayHandlers(engine: Engine, address: () => { host: string; port: number }): Record<string, Unary | Streaming> {
  const { state, executor, jobs } = engine;

  const resolveDefinition = (request: Req): Resource => {
    const definitionKey = key(request.processDefinitionKey);
    if (definitionKey > 0) {
      const definition = engine.deployments.processByKey(definitionKey);
      if (!definition) throw notFound(`Expected to find process definition with key '${definitionKey}', but none found`);
      return definition;
    }
    const id = request.bpmnProcessId as string;
    if (!id) throw invalid('Expected either a process definition key or a bpmnProcessId, but none given');
    const version = Number(request.version ?? -1);
    const definition = version > 0 ? engine.deployments.processVersion(id, version) : engine.deployments.latestProcess(id);
    if (!definition) {
      throw notFound(version > 0
        ? `Expected to find process definition with process ID '${id}' and version '${version}', but none found`
        : `Expected to find process definition with process ID '${id}', but none found`);
    }
    return definition;
  };

  const startPlan = (request: Req) => {
    checkTenant(request.tenantId);
    const definition = resolveDefinition(request);
    const variables = variablesOf(request.variables);
    const model = engine.deployments.model(definition.key);
    const startAt = ((request.startInstructions ?? []) as Req[]).map((instruction) => instruction.elementId as string);
    for (const elementId of startAt) {
      const node = model.nodes.get(elementId);
      if (!node || node.type === 'process') throw invalid(`Expected to create instance of process with start instructions but no element found with id '${elementId}'.`);
      if (node.type === 'boundaryEvent' || node.type === 'eventSubProcess' || model.nodes.get(node.scopeId)?.type === 'eventSubProcess') {
        throw invalid(`Expected to create instance of process with start instructions but the element with id '${elementId}' cannot be used as a start instruction.`);
      }
    }
    if (startAt.length === 0 && !model.nodes.get(model.id)!.noneStart) {
      throw failedPrecondition(`Expected to create instance of process with none start event, but there is no such event`);
    }
    return { definition, variables, startAt };
  };

  const jobRequest = (request: Req): JobRequest => {
    if (!request.type) throw invalid('Expected to activate jobs of a type, but the type is blank');
    const timeout = durationMs(request.timeout, 'the job timeout');
    return {
      type: request.type, worker: request.worker || 'default', timeout,
      fetchVariable: request.fetchVariable ?? [], tenantIds: checkTenants(request.tenantIds),
    };
  };

  const findJob = (jobKey: number, verb: string) => {
    const job = state.jobs.get(jobKey);
    if (!job) throw notFound(`Command '${verb}' rejected with code 'NOT_FOUND': Expected to ${verb.toLowerCase()} job with key '${jobKey}', but no such job was found`);
    const instance = state.instances.get(job.processInstanceKey);
    const element = instance?.elements[job.elementInstanceKey];
    if (!instance || !element) throw notFound(`Expected to ${verb.toLowerCase()} job with key '${jobKey}', but its element is gone`);
    return { job, instance, element };
  };

  return {
    Topology: unary(() => {
      const { host, port } = address();
      return {
        brokers: [{ nodeId: 0, host, port, version: gatewayVersion, partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }] }],
        clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion,
      };
    }),

    DeployResource: unary(async (request) => {
      const tenantId = checkTenant(request.tenantId);
      const prepared = await engine.deployments.prepare((request.resources ?? []).map((r: Req) => ({ name: r.name ?? '', content: Buffer.from(r.content ?? []) })));
      const result = await engine.command(() => engine.deployments.register(prepared, tenantId));
      return { key: result.key, deployments: result.deployments, tenantId };
    }),

    DeployProcess: unary(async (request) => {
      const prepared = await engine.deployments.prepare((request.processes ?? []).map((r: Req) => ({ name: r.name ?? '', content: Buffer.from(r.definition ?? []) })));
      if (prepared.some((p) => p.kind !== 'bpmn')) throw invalid('DeployProcess accepts BPMN resources only; use DeployResource');
      const result = await engine.command(() => engine.deployments.register(prepared, '<default>'));
      return { key: result.key, processes: result.deployments.map((d) => ('process' in d ? d.process : null)).filter(Boolean) };
    }),

    DeleteResource: unary(async (request) => {
      await engine.command(() => engine.deployments.delete(key(request.resourceKey)));
      return {};
    }),

    CreateProcessInstance: unary(async (request) => {
      const response = await engine.command(() => {
        const { definition, variables, startAt } = startPlan(request);
        const instance = executor.createInstance(definition, variables, { startAt });
        return processResponse(definition, instance.key);
      });
      return response;
    }),

    CreateProcessInstanceWithResult: unary(async (outer) => {
      const request = outer.request ?? {};
      const timeoutMs = key(outer.requestTimeout) > 0 ? key(outer.requestTimeout) : 15_000;
      const fetch: string[] = outer.fetchVariables ?? [];
      let settle: (result: { outcome: string; variables: Record<string, unknown> }) => void = () => {};
      const ended = new Promise<{ outcome: string; variables: Record<string, unknown> }>((resolve) => { settle = resolve; });
      let unsubscribe = () => {};
      const created = await engine.command(() => {
        const { definition, variables, startAt } = startPlan(request);
        let instanceKey = 0;
        executor.run(() => {
          const instance = executor.createInstance(definition, variables, { startAt });
          instanceKey = instance.key;
          unsubscribe = engine.onInstanceEnd(instance.key, (outcome, result) => settle({ outcome, variables: result }));
        });
        return processResponse(definition, instanceKey);
      });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
      const result = await Promise.race([ended, timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        unsubscribe();
        throw new GatewayError(status.DEADLINE_EXCEEDED, `Expected to receive the result of process instance '${created.processInstanceKey}' within ${timeoutMs} ms, but it did not complete in time`);
      }
      if (result.outcome !== 'completed') throw new GatewayError(status.ABORTED, `Process instance '${created.processInstanceKey}' was terminated before it completed`);
      return { ...created, variables: JSON.stringify(pick(result.variables, fetch)) };
    }),

    CancelProcessInstance: unary(async (request) => {
      const instanceKey = key(request.processInstanceKey);
      await engine.command(() => {
        const instance = state.instances.get(instanceKey);
        if (!instance) throw notFound(`Command 'CANCEL' rejected with code 'NOT_FOUND': Expected to cancel a process instance with key '${instanceKey}', but no such process was found`);
        if (instance.parent) throw failedPrecondition(`Expected to cancel a process instance with key '${instanceKey}', but it is created by a parent process instance. Cancel the root process instance '${instance.parent.instanceKey}' instead.`);
        executor.run(() => executor.cancelInstance(instance));
      });
      return {};
    }),

    ModifyProcessInstance: unary(async (request) => {
      const instanceKey = key(request.processInstanceKey);
      await engine.command(() => {
        const instance = state.instances.get(instanceKey);
        if (!instance) throw notFound(`Expected to modify process instance but no process instance found with key '${instanceKey}'`);
        const model = executor.model(instance);
        const activations = ((request.activateInstructions ?? []) as Req[]).map((instruction) => {
          const node = model.nodes.get(instruction.elementId);
          if (!node || node.type === 'process') throw invalid(`Expected to modify instance of process '${instance.bpmnProcessId}' but it contains one or more activate instructions with an element that could not be found: '${instruction.elementId}'`);
          if (node.type === 'startEvent' || node.type === 'boundaryEvent') throw invalid(`Expected to modify instance of process '${instance.bpmnProcessId}' but it contains one or more activate instructions for an unsupported element: '${instruction.elementId}'`);
          const scopes: Record<string, Record<string, unknown>> = {};
          for (const variable of (instruction.variableInstructions ?? []) as Req[]) {
            scopes[variable.scopeId ?? ''] = { ...(scopes[variable.scopeId ?? ''] ?? {}), ...variablesOf(variable.variables) };
          }
          return { elementId: node.id, ancestor: key(instruction.ancestorElementInstanceKey), scopes };
        });
        const terminations = ((request.terminateInstructions ?? []) as Req[]).map((instruction) => {
          const elementKey = key(instruction.elementInstanceKey);
          const element = instance.elements[elementKey];
          if (!element || elementKey === instance.key) throw invalid(`Expected to modify instance of process '${instance.bpmnProcessId}' but it contains one or more terminate instructions with an element instance that could not be found: '${elementKey}'`);
          return element;
        });
        executor.run(() => {
          for (const activation of activations) executor.activateInScopeChain(instance, activation.elementId, activation.ancestor, activation.scopes);
          for (const element of terminations) {
            if (!instance.elements[element.key]) continue;
            const scopeKey = element.scopeKey;
            executor.terminate(instance, element);
            executor.settle(instance, scopeKey);
          }
        });
      });
      return {};
    }),

    EvaluateDecision: unary(async (request) => {
      checkTenant(request.tenantId);
      const variables = variablesOf(request.variables);
      return engine.command(() => {
        const decisionKey = key(request.decisionKey);
        const found = decisionKey > 0 ? engine.deployments.decisionByKey(decisionKey)
          : request.decisionId ? engine.deployments.latestDecision(request.decisionId) : undefined;
        if (!decisionKey && !request.decisionId) throw invalid('Expected either a decision id or a valid decision key, but none provided');
        if (!found) {
          throw notFound(decisionKey > 0 ? `Expected to evaluate decision with key '${decisionKey}', but no such decision found`
            : `Expected to evaluate decision '${request.decisionId}', but no decision found for id '${request.decisionId}'`);
        }
        const { resource, drg } = found;
        const drgResource = state.resources.get(resource.parentKey!)!;
        const result = evaluateDecision(drg, resource.resourceId, variables);
        const decisionMeta = (id: string) => {
          let meta = resource;
          for (const r of state.resources.values()) if (r.kind === 'decision' && r.parentKey === resource.parentKey && r.resourceId === id) meta = r;
          return meta;
        };
        return {
          decisionInstanceKey: state.nextKey(),
          decisionKey: resource.key, decisionId: resource.resourceId, decisionName: resource.name ?? resource.resourceId,
          decisionVersion: resource.version, decisionRequirementsId: drgResource.resourceId, decisionRequirementsKey: drgResource.key,
          decisionOutput: JSON.stringify(result.output ?? null), failedDecisionId: result.failedDecisionId ?? '', failureMessage: result.failure ?? '',
          tenantId: resource.tenantId,
          evaluatedDecisions: result.evaluated.map((evaluated) => {
            const meta = decisionMeta(evaluated.decisionId);
            return {
              decisionKey: meta.key, decisionId: evaluated.decisionId, decisionName: evaluated.decisionName, decisionVersion: meta.version,
              decisionType: evaluated.decisionType, decisionOutput: JSON.stringify(evaluated.output ?? null), tenantId: meta.tenantId,
              matchedRules: evaluated.matchedRules.map((rule) => ({
                ruleId: rule.ruleId, ruleIndex: rule.ruleIndex,
                evaluatedOutputs: rule.outputs.map((o) => ({ outputId: o.outputId, outputName: o.outputName, outputValue: JSON.stringify(o.outputValue ?? null) })),
              })),
              evaluatedInputs: evaluated.inputs.map((i) => ({ inputId: i.inputId, inputName: i.inputName, inputValue: JSON.stringify(i.inputValue ?? null) })),
            };
          }),
        };
      });
    }),

    ActivateJobs: ((call: ServerWritableStream<Req, Req>) => {
      const request = call.request;
      let finished = false;
      const debug = engine.logger.isLevelEnabled('debug');
      const callId = debug ? Math.random().toString(36).slice(2, 8) : '';
      if (debug) engine.logger.debug({ callId, type: request.type, max: request.maxJobsToActivate, requestTimeout: request.requestTimeout }, 'activate jobs: call');
      const finish = (jobsToSend?: ActivatedJob[]) => {
        if (debug) engine.logger.debug({ callId, jobs: jobsToSend?.length ?? 0, finished, cancelled: call.cancelled }, 'activate jobs: finish');
        if (finished) return;
        finished = true;
        if (jobsToSend && jobsToSend.length > 0 && !call.cancelled) call.write({ jobs: jobsToSend });
        call.end();
      };
      try {
        const jobReq = jobRequest(request);
        const max = Number(request.maxJobsToActivate ?? 0);
        if (max < 1) throw invalid(`Expected to activate at least 1 job, but maxJobsToActivate was ${max}`);
        const requestTimeout = key(request.requestTimeout);
        let cancel: (() => boolean) | null = null;
        let timer: NodeJS.Timeout | undefined;
        engine.command(() => {
          const activated = jobs.activate(jobReq, max);
          if (activated.length === 0 && requestTimeout >= 0) {
            cancel = jobs.poll(jobReq, max, (delivered) => {
              clearTimeout(timer);
              finish(delivered);
            });
          }
          return activated;
        }).then((activated) => {
          if (activated.length > 0 || !cancel) {
            finish(activated);
            return;
          }
          const wait = requestTimeout === 0 ? defaultLongPollMs : requestTimeout;
          timer = setTimeout(() => { if (cancel!()) finish(); }, wait);
          call.on('cancelled', () => {
            if (debug) engine.logger.debug({ callId }, 'activate jobs: cancelled');
            clearTimeout(timer);
            if (cancel!()) finished = true;
          });
        }, (error) => {
          finished = true;
          call.emit('error', toStatus(error));
        });
      } catch (error) {
        call.emit('error', toStatus(error));
      }
    }) as Streaming,

    StreamActivatedJobs: ((call: ServerWritableStream<Req, Req>) => {
      try {
        const jobReq = jobRequest(call.request);
        let stop = () => {};
        void engine.command(() => {
          stop = jobs.stream(jobReq, (job) => {
            if (!call.cancelled) call.write(job);
          });
        });
        call.on('cancelled', () => stop());
        call.on('close', () => stop());
      } catch (error) {
        call.emit('error', toStatus(error));
      }
    }) as Streaming,

    CompleteJob: unary(async (request) => {
      const jobKey = key(request.jobKey);
      const variables = variablesOf(request.variables);
      await engine.command(() => {
        const { job, instance, element } = findJob(jobKey, 'COMPLETE');
        if (job.state === 'incident' || job.state === 'backoff') {
          throw failedPrecondition(`Expected to complete job with key '${jobKey}', but it is in state '${job.state === 'incident' ? 'FAILED' : 'FAILED'}'`);
        }
        jobs.remove(job.key);
        delete element.jobKey;
        executor.run(() => executor.completeWithVariables(instance, element, variables));
      });
      return {};
    }),

    FailJob: unary(async (request) => {
      const jobKey = key(request.jobKey);
      const variables = variablesOf(request.variables);
      await engine.command(() => {
        const { job, instance, element } = findJob(jobKey, 'FAIL');
        if (job.state !== 'activated') throw failedPrecondition(`Expected to fail job with key '${jobKey}', but it is not activated`);
        if (Object.keys(variables).length > 0) {
          setLocal(instance, element.key, variables);
          executor.touch(instance);
        }
        job.retries = Number(request.retries ?? 0);
        job.errorMessage = request.errorMessage ?? '';
        const backoff = key(request.retryBackOff);
        if (job.retries > 0) {
          if (backoff > 0) {
            jobs.setState(job, 'backoff');
            job.retryAt = engine.clock.now() + backoff;
            delete job.deadline;
            engine.scheduler.add(job.retryAt, 'jobBackoff', job.key);
          } else jobs.makeActivatable(job);
        } else {
          jobs.setState(job, 'incident');
          executor.raiseIncident(instance, element, 'JOB_NO_RETRIES', job.errorMessage || 'No more retries left.', 'job', job.key);
        }
      });
      return {};
    }),

    ThrowError: unary(async (request) => {
      const jobKey = key(request.jobKey);
      const variables = variablesOf(request.variables);
      if (!request.errorCode) throw invalid('Expected to throw an error with an error code, but the error code is blank');
      await engine.command(() => {
        const { job, instance, element } = findJob(jobKey, 'THROW_ERROR');
        if (job.state !== 'activated' && job.state !== 'activatable') throw failedPrecondition(`Expected to throw an error for job with key '${jobKey}', but it is in an incident`);
        executor.run(() => {
          jobs.remove(job.key);
          delete element.jobKey;
          const caught = executor.throwError(instance, element, request.errorCode, request.errorMessage ?? '', variables);
          if (!caught) {
            job.state = 'incident';
            job.errorMessage = request.errorMessage ?? '';
            jobs.add(job);
            element.jobKey = job.key;
            executor.raiseIncident(instance, element, 'UNHANDLED_ERROR_EVENT',
              `Expected to throw an error event with the code '${request.errorCode}' with message '${request.errorMessage ?? ''}', but it was not caught. No error events are available in the scope.`,
              'job', job.key);
          }
        });
      });
      return {};
    }),

    UpdateJobTimeout: unary(async (request) => {
      const jobKey = key(request.jobKey);
      const timeout = durationMs(request.timeout, 'the job timeout');
      await engine.command(() => {
        const { job } = findJob(jobKey, 'UPDATE_TIMEOUT');
        if (job.state !== 'activated') {
          throw failedPrecondition(`Command 'UPDATE_TIMEOUT' rejected with code 'INVALID_STATE': Expected to update the timeout of job with key '${jobKey}', but it is not active`);
        }
        jobs.updateTimeout(job, timeout);
      });
      return {};
    }),

    UpdateJobRetries: unary(async (request) => {
      const jobKey = key(request.jobKey);
      const retries = Number(request.retries ?? 0);
      if (retries < 1) throw invalid(`Expected retries to be greater than zero, but was ${retries}`);
      await engine.command(() => {
        const { job } = findJob(jobKey, 'UPDATE_RETRIES');
        job.retries = retries;
        state.touch('jobs', job);
      });
      return {};
    }),

    ResolveIncident: unary(async (request) => {
      const incidentKey = key(request.incidentKey);
      await engine.command(() => {
        const incident = state.incidents.get(incidentKey);
        if (!incident) throw notFound(`Command 'RESOLVE' rejected with code 'NOT_FOUND': Expected to resolve incident with key '${incidentKey}', but no such incident was found`);
        const instance = state.instances.get(incident.processInstanceKey);
        const element = instance?.elements[incident.elementInstanceKey];
        state.remove('incidents', incidentKey);
        if (!instance || !element) return;
        if (incident.step === 'job') {
          delete element.incidentKey;
          executor.touch(instance);
          const job = incident.jobKey !== undefined ? state.jobs.get(incident.jobKey) : undefined;
          if (!job) return;
          if (job.retries > 0) jobs.makeActivatable(job);
          else executor.raiseIncident(instance, element, incident.errorType, incident.errorMessage, 'job', job.key);
          return;
        }
        executor.resolveIncident(instance, element, incident.step);
      });
      return {};
    }),

    PublishMessage: unary(async (request) => {
      const tenantId = checkTenant(request.tenantId);
      if (!request.name) throw invalid('Expected to publish a message with a name, but the name is blank');
      const variables = variablesOf(request.variables);
      const messageKey = await engine.command(() => engine.messages.publish({
        name: request.name, correlationKey: request.correlationKey ?? '', timeToLive: key(request.timeToLive),
        messageId: request.messageId ?? '', variables, tenantId,
      }));
      return { key: messageKey, tenantId };
    }),

    SetVariables: unary(async (request) => {
      const elementKey = key(request.elementInstanceKey);
      const variables = variablesOf(request.variables);
      const updateKey = await engine.command(() => {
        const instance = executor.instanceOf(elementKey);
        if (!instance || !instance.elements[elementKey]) throw notFound(`Command 'UPDATE' rejected with code 'NOT_FOUND': Expected to update variables for element with key '${elementKey}', but no such element was found`);
        if (request.local) setLocal(instance, elementKey, variables);
        else propagate(instance, elementKey, variables);
        executor.touch(instance);
        return state.nextKey();
      });
      return { key: updateKey };
    }),

    BroadcastSignal: unary(async (request) => {
      const tenantId = checkTenant(request.tenantId);
      if (!request.signalName) throw invalid('Expected to broadcast a signal with a name, but the name is blank');
      const variables = variablesOf(request.variables);
      const signalKey = await engine.command(() => engine.messages.broadcastSignal(request.signalName, variables));
      return { key: signalKey, tenantId };
    }),
  };
}
