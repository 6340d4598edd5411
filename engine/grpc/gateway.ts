// The Zeebe Gateway service: request validation and translation to engine
// commands, with Zeebe's rejection codes. Each handler answers only after the
// command's effects are committed.
import { status, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import { evaluateDecision } from '../model/dmn.ts';
import type { DeploymentMetadata } from '../runtime/deployments.ts';
import type { Engine } from '../runtime/engine.ts';
import { migrateInstance } from '../runtime/migration.ts';
import { GatewayError, invalid, notFound } from '../runtime/errors.ts';
import { resolveIncident } from '../runtime/incidents.ts';
import { cancelInstance, modifyInstance, setVariables, startInstance, type Modification, type StartRequest } from '../runtime/instances.ts';
import type { ActivatedJob, JobRequest } from '../runtime/jobs.ts';
import { pick } from '../runtime/variables.ts';
import type { Resource } from '../store/entities.ts';
import { checkRequestText, variablesOf } from '../values.ts';

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
      .then(() => {
        checkRequestText(call.request);
        return handler(call.request);
      })
      .then((response) => callback(null, response), (error) => callback(toStatus(error) as never));
  };
}

/** Zeebe's gateway answers processes, then decisions, then decision requirements, then forms; each kind in deployment order. */
const deploymentRank = (metadata: DeploymentMetadata) =>
  'process' in metadata ? 0 : 'decision' in metadata ? 1 : 'decisionRequirements' in metadata ? 2 : 3;
const inZeebeOrder = (deployments: DeploymentMetadata[]) =>
  deployments.map((metadata, index) => ({ metadata, index }))
    .sort((a, b) => deploymentRank(a.metadata) - deploymentRank(b.metadata) || a.index - b.index)
    .map(({ metadata }) => metadata);

function processResponse(definition: Resource, instanceKey: number): Req {
  return {
    processDefinitionKey: definition.key, bpmnProcessId: definition.resourceId, version: definition.version,
    processInstanceKey: instanceKey, tenantId: definition.tenantId,
  };
}

export function gatewayHandlers(engine: Engine, address: () => { host: string; port: number }): Record<string, Unary | Streaming> {
  const { state, jobs } = engine;

  const startRequest = (request: Req): StartRequest => {
    checkTenant(request.tenantId);
    return {
      processDefinitionKey: key(request.processDefinitionKey), bpmnProcessId: request.bpmnProcessId ?? '', version: Number(request.version ?? -1),
      variables: variablesOf(request.variables),
      startAt: ((request.startInstructions ?? []) as Req[]).map((instruction) => instruction.elementId as string),
    };
  };

  const jobRequest = (request: Req): JobRequest => {
    checkRequestText(request);
    if (!request.type) throw invalid('Expected to activate jobs of a type, but the type is blank');
    const timeout = durationMs(request.timeout, 'the job timeout');
    return {
      type: request.type, worker: request.worker || 'default', timeout,
      fetchVariable: request.fetchVariable ?? [], tenantIds: checkTenants(request.tenantIds),
    };
  };

  /** Jobs activated for a call that is gone become activatable again at once, retries unchanged (as Zeebe's gateway fails them back). */
  const handBack = (activated: ActivatedJob[]) => {
    if (activated.length === 0) return;
    engine.command(() => jobs.handBack(activated, 'The job was activated for a worker that was gone before it received it'))
      .catch((error) => engine.logger.error({ err: error }, 'handing back undelivered jobs failed'));
  };

  return {
    Topology: unary(async () => {
      // Health means the commit path works (a round trip through the committer), not only that this process answers.
      await engine.roundTrip();
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
      return { key: result.key, deployments: inZeebeOrder(result.deployments), tenantId };
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
      const start = startRequest(request);
      return engine.command(() => {
        const { definition, instance } = startInstance(engine, start);
        return processResponse(definition, instance.key);
      });
    }),

    CreateProcessInstanceWithResult: unary(async (outer) => {
      const request = outer.request ?? {};
      const timeoutMs = key(outer.requestTimeout) > 0 ? key(outer.requestTimeout) : 15_000;
      const fetch: string[] = outer.fetchVariables ?? [];
      let settle: (result: { outcome: string; variables: Record<string, unknown> }) => void = () => {};
      const ended = new Promise<{ outcome: string; variables: Record<string, unknown> }>((resolve) => { settle = resolve; });
      let unsubscribe = () => {};
      const start = startRequest(request);
      const created = await engine.command(() => {
        const { definition, instance } = startInstance(engine, start, (created) => {
          unsubscribe = engine.onInstanceEnd(created.key, (outcome, result) => settle({ outcome, variables: result }));
        });
        return processResponse(definition, instance.key);
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
      await engine.command(() => cancelInstance(engine, instanceKey));
      return {};
    }),

    ModifyProcessInstance: unary(async (request) => {
      const instanceKey = key(request.processInstanceKey);
      const modification: Modification = {
        activate: ((request.activateInstructions ?? []) as Req[]).map((instruction) => ({
          elementId: instruction.elementId ?? '',
          ancestorKey: key(instruction.ancestorElementInstanceKey),
          variables: ((instruction.variableInstructions ?? []) as Req[]).map((variable) => ({ scopeId: variable.scopeId ?? '', variables: variablesOf(variable.variables) })),
        })),
        terminate: ((request.terminateInstructions ?? []) as Req[]).map((instruction) => key(instruction.elementInstanceKey)),
      };
      await engine.command(() => modifyInstance(engine, instanceKey, modification));
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
      // The call can be gone at any moment — client cancelled, deadline passed,
      // connection broken — so listen from the start: jobs activated for a call
      // that is gone go back to the queue at once, never wait out their timeout.
      let gone = false;
      let finished = false;
      let stopWaiting: (() => boolean) | null = null;
      let timer: NodeJS.Timeout | undefined;
      call.on('cancelled', () => {
        gone = true;
        clearTimeout(timer);
        if (stopWaiting?.()) finished = true;
      });
      const finish = (activated: ActivatedJob[]) => {
        if (finished) {
          handBack(activated);
          return;
        }
        finished = true;
        clearTimeout(timer);
        if (activated.length === 0) {
          if (!gone) call.end();
          return;
        }
        if (gone || call.cancelled) {
          handBack(activated);
          return;
        }
        call.write({ jobs: activated }, (error?: Error | null) => {
          if (error) handBack(activated);
        });
        call.end();
      };
      try {
        const jobReq = jobRequest(request);
        const max = Number(request.maxJobsToActivate ?? 0);
        if (max < 1) throw invalid(`Expected to activate at least 1 job, but maxJobsToActivate was ${max}`);
        const requestTimeout = key(request.requestTimeout);
        engine.command(() => {
          const activated = jobs.activate(jobReq, max);
          if (activated.length === 0 && requestTimeout >= 0 && !gone) stopWaiting = jobs.poll(jobReq, max, finish);
          return activated;
        }).then((activated) => {
          if (activated.length > 0 || !stopWaiting) {
            finish(activated);
            return;
          }
          if (finished) return;
          const wait = requestTimeout === 0 ? defaultLongPollMs : requestTimeout;
          timer = setTimeout(() => { if (stopWaiting!()) finish([]); }, wait);
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
            if (call.cancelled || call.destroyed) handBack([job]);
            else call.write(job, (error?: Error | null) => { if (error) handBack([job]); });
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
      await engine.command(() => jobs.complete(jobKey, variables));
      return {};
    }),

    FailJob: unary(async (request) => {
      const failure = {
        jobKey: key(request.jobKey), retries: Number(request.retries ?? 0), errorMessage: request.errorMessage ?? '',
        retryBackOff: key(request.retryBackOff), variables: variablesOf(request.variables),
      };
      await engine.command(() => jobs.fail(failure));
      return {};
    }),

    ThrowError: unary(async (request) => {
      const thrown = { jobKey: key(request.jobKey), errorCode: request.errorCode ?? '', errorMessage: request.errorMessage ?? '', variables: variablesOf(request.variables) };
      if (!thrown.errorCode) throw invalid('Expected to throw an error with an error code, but the error code is blank');
      await engine.command(() => jobs.throwError(thrown));
      return {};
    }),

    MigrateProcessInstance: unary(async (request) => {
      const plan = request.migrationPlan ?? {};
      await engine.command(() => migrateInstance(engine, {
        processInstanceKey: key(request.processInstanceKey),
        targetProcessDefinitionKey: key(plan.targetProcessDefinitionKey),
        mappingInstructions: ((plan.mappingInstructions ?? []) as Req[]).map((m) => ({ sourceElementId: String(m.sourceElementId ?? ''), targetElementId: String(m.targetElementId ?? '') })),
      }));
      return {};
    }),

    UpdateJobTimeout: unary(async (request) => {
      const jobKey = key(request.jobKey);
      const timeout = durationMs(request.timeout, 'the job timeout');
      await engine.command(() => jobs.updateTimeout(jobKey, timeout));
      return {};
    }),

    UpdateJobRetries: unary(async (request) => {
      const jobKey = key(request.jobKey);
      const retries = Number(request.retries ?? 0);
      if (retries < 1) throw invalid(`Expected retries to be greater than zero, but was ${retries}`);
      await engine.command(() => jobs.updateRetries(jobKey, retries));
      return {};
    }),

    ResolveIncident: unary(async (request) => {
      const incidentKey = key(request.incidentKey);
      await engine.command(() => resolveIncident(engine, incidentKey));
      return {};
    }),

    PublishMessage: unary(async (request) => {
      const tenantId = checkTenant(request.tenantId);
      if (!request.name) throw invalid('Expected to publish a message with a name, but the name is blank');
      const timeToLive = key(request.timeToLive);
      if (!Number.isSafeInteger(timeToLive) || timeToLive > maxDurationMs) throw invalid(`Expected the message's time to live to be at most ${maxDurationMs} milliseconds (about 100 years), but was ${String(request.timeToLive)}`);
      const variables = variablesOf(request.variables);
      const messageKey = await engine.command(() => engine.messages.publish({
        name: request.name, correlationKey: request.correlationKey ?? '', timeToLive,
        messageId: request.messageId ?? '', variables, tenantId,
      }));
      return { key: messageKey, tenantId };
    }),

    SetVariables: unary(async (request) => {
      const elementKey = key(request.elementInstanceKey);
      const variables = variablesOf(request.variables);
      const updateKey = await engine.command(() => setVariables(engine, elementKey, variables, Boolean(request.local)));
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
