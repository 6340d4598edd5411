// Incidents: a step that cannot go on (an expression fails, a job runs out of
// retries, an error nobody catches) stops its element instance with an
// incident; resolving the incident retries the step that failed.
import { FeelError } from '../feel.ts';
import type { ElementInstance, Incident, IncidentStep, ProcessInstance } from '../store/entities.ts';
import type { Engine } from './engine.ts';
import { notFound } from './errors.ts';
import type { Executor } from './executor.ts';

/** A failure that becomes an incident of the given Zeebe error type. */
export class IncidentError extends Error {
  constructor(readonly errorType: string, message: string) {
    super(message);
  }
}

/** An expression failure becomes an incident of `fallbackType`; anything else is a bug and is thrown on. */
export function asIncident(error: unknown, fallbackType: string): IncidentError {
  if (error instanceof IncidentError) return error;
  if (error instanceof FeelError) return new IncidentError(fallbackType, error.message);
  throw error;
}

export function raiseIncident(
  executor: Executor, instance: ProcessInstance, element: ElementInstance, errorType: string, errorMessage: string, step: IncidentStep,
  retry: Pick<Incident, 'jobKey' | 'begin'> = {},
): void {
  const { engine } = executor;
  const key = engine.state.nextKey();
  const incident: Incident = { key, processInstanceKey: instance.key, elementInstanceKey: element.key, elementId: element.elementId, errorType, errorMessage, step, ...retry };
  engine.state.put('incidents', incident);
  element.incidentKey = key;
  executor.touch(instance);
  engine.logger.debug({ incident }, 'incident raised');
}

/** ResolveIncident: runs inside a command. A job incident makes the job activatable again (when it has retries); any other retries its step. */
export function resolveIncident(engine: Engine, incidentKey: number): void {
  const { state, executor, jobs } = engine;
  const incident = state.incidents.get(incidentKey);
  if (!incident) throw notFound(`Command 'RESOLVE' rejected with code 'NOT_FOUND': Expected to resolve incident with key '${incidentKey}', but no such incident was found`);
  const instance = state.instances.get(incident.processInstanceKey);
  const element = instance?.elements[incident.elementInstanceKey];
  state.remove('incidents', incidentKey);
  if (!instance || !element) return;
  delete element.incidentKey;
  executor.touch(instance);
  if (incident.step === 'job') {
    const job = incident.jobKey !== undefined ? state.jobs.get(incident.jobKey) : undefined;
    if (!job) return;
    if (job.retries > 0) jobs.makeActivatable(job);
    else raiseIncident(executor, instance, element, incident.errorType, incident.errorMessage, 'job', { jobKey: job.key });
    return;
  }
  const instanceKey = instance.key;
  if (incident.step === 'activate') executor.queue({ kind: 'enter', instanceKey, elementKey: element.key });
  else if (incident.step === 'complete') executor.queue({ kind: 'complete', instanceKey, elementKey: element.key });
  else if (incident.step === 'begin') executor.queue({ kind: 'begin', instanceKey, ...incident.begin });
  else if (incident.step === 'subscribe') executor.queue({ kind: 'subscribe', instanceKey, elementKey: element.key });
}
