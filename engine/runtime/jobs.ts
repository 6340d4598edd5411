// Jobs: the activatable queue per type, activation with deadlines, the
// workers waiting for work — long-polling ActivateJobs calls (answered as soon
// as a job exists, then ended) and StreamActivatedJobs streams — and what a
// worker reports back: complete, fail (retries, back-off, incident), throw a
// BPMN error, new retries.
import type { ElementInstance, Job, ProcessInstance } from '../store/entities.ts';
import type { Engine } from './engine.ts';
import { failedPrecondition, notFound } from './errors.ts';
import { throwError } from './events.ts';
import { raiseIncident } from './incidents.ts';
import { pick, setLocal, visibleVariables } from './variables.ts';

export interface ActivatedJob {
  key: number; type: string; processInstanceKey: number; bpmnProcessId: string; processDefinitionVersion: number;
  processDefinitionKey: number; elementId: string; elementInstanceKey: number; customHeaders: string; worker: string;
  retries: number; deadline: number; variables: string; tenantId: string;
}

export interface JobRequest { type: string; worker: string; timeout: number; fetchVariable: string[]; tenantIds: string[] }

interface Poller extends JobRequest { max: number; claimed: boolean; deliver(jobs: ActivatedJob[]): void }
interface Stream extends JobRequest { push(job: ActivatedJob): void }

export class Jobs {
  private readonly activatable = new Map<string, Set<number>>();
  private readonly notified = new Set<string>();
  private readonly pollers = new Map<string, Poller[]>();
  private readonly streams = new Map<string, Stream[]>();

  constructor(private readonly engine: Engine) {}

  /** Waiting workers per type, for diagnostics. */
  waitingWorkers(): Record<string, { pollers: number; streams: number; activatable: number }> {
    const out: Record<string, { pollers: number; streams: number; activatable: number }> = {};
    for (const type of new Set([...this.pollers.keys(), ...this.streams.keys(), ...this.activatable.keys()])) {
      out[type] = { pollers: this.pollers.get(type)?.length ?? 0, streams: this.streams.get(type)?.length ?? 0, activatable: this.activatable.get(type)?.size ?? 0 };
    }
    return out;
  }

  load(): void {
    for (const job of this.engine.state.jobs.values()) {
      if (job.state === 'activatable') this.index(job);
      else if (job.state === 'activated') this.engine.scheduler.add(job.deadline!, 'jobDeadline', job.key);
      else if (job.state === 'backoff') this.engine.scheduler.add(job.retryAt!, 'jobBackoff', job.key);
    }
  }

  private index(job: Job): void {
    let queue = this.activatable.get(job.type);
    if (!queue) this.activatable.set(job.type, (queue = new Set()));
    queue.add(job.key);
    this.notified.add(job.type);
  }

  private unindex(job: Job): void {
    this.activatable.get(job.type)?.delete(job.key);
  }

  add(job: Job): void {
    this.engine.state.put('jobs', job);
    if (job.state === 'activatable') this.index(job);
  }

  remove(key: number): void {
    const job = this.engine.state.jobs.get(key);
    if (!job) return;
    this.unindex(job);
    this.engine.state.remove('jobs', key);
  }

  makeActivatable(job: Job): void {
    job.state = 'activatable';
    delete job.deadline;
    delete job.worker;
    delete job.retryAt;
    this.engine.state.touch('jobs', job);
    this.index(job);
  }

  setState(job: Job, state: Job['state']): void {
    this.unindex(job);
    job.state = state;
    this.engine.state.touch('jobs', job);
  }

  /** Activates up to `max` jobs of a type: runs inside a command. */
  activate(request: JobRequest, max: number): ActivatedJob[] {
    const queue = this.activatable.get(request.type);
    if (!queue || queue.size === 0 || !tenantMatches(request.tenantIds)) return [];
    const activated: ActivatedJob[] = [];
    const deadline = this.engine.clock.now() + request.timeout;
    for (const key of queue) {
      if (activated.length >= max) break;
      queue.delete(key);
      const job = this.engine.state.jobs.get(key);
      if (!job || job.state !== 'activatable') continue;
      job.state = 'activated';
      job.deadline = deadline;
      job.worker = request.worker;
      this.engine.state.touch('jobs', job);
      this.engine.scheduler.add(deadline, 'jobDeadline', job.key);
      activated.push(this.describe(job, request.fetchVariable));
    }
    return activated;
  }

  describe(job: Job, fetchVariable: string[]): ActivatedJob {
    const instance = this.engine.state.instances.get(job.processInstanceKey);
    const variables = instance ? pick(visibleVariables(instance, job.elementInstanceKey), fetchVariable) : {};
    return {
      key: job.key, type: job.type, processInstanceKey: job.processInstanceKey, bpmnProcessId: job.bpmnProcessId,
      processDefinitionVersion: job.version, processDefinitionKey: job.processDefinitionKey, elementId: job.elementId,
      elementInstanceKey: job.elementInstanceKey, customHeaders: JSON.stringify(job.customHeaders), worker: job.worker ?? '',
      retries: job.retries, deadline: job.deadline ?? 0, variables: JSON.stringify(variables), tenantId: job.tenantId,
    };
  }

  /**
   * Waits for jobs of the type. The returned cancel answers false when jobs
   * were already activated for this poller and are on their way (after commit).
   */
  poll(request: JobRequest, max: number, deliver: (jobs: ActivatedJob[]) => void): () => boolean {
    const poller: Poller = { ...request, max, deliver, claimed: false };
    let list = this.pollers.get(request.type);
    if (!list) this.pollers.set(request.type, (list = []));
    list.push(poller);
    return () => {
      if (poller.claimed) return false;
      const current = this.pollers.get(request.type);
      if (current) {
        const index = current.indexOf(poller);
        if (index >= 0) current.splice(index, 1);
        if (current.length === 0) this.pollers.delete(request.type);
      }
      return true;
    };
  }

  stream(request: JobRequest, push: (job: ActivatedJob) => void): () => void {
    const stream: Stream = { ...request, push };
    let list = this.streams.get(request.type);
    if (!list) this.streams.set(request.type, (list = []));
    list.push(stream);
    this.notified.add(request.type);
    return () => {
      const current = this.streams.get(request.type);
      if (!current) return;
      const index = current.indexOf(stream);
      if (index >= 0) current.splice(index, 1);
      if (current.length === 0) this.streams.delete(request.type);
    };
  }

  /** Hands newly activatable jobs to waiting workers: runs at the end of each command. */
  dispatch(): void {
    if (this.notified.size === 0) return;
    const types = [...this.notified];
    this.notified.clear();
    for (const type of types) {
      const streams = this.streams.get(type);
      if (streams) {
        let i = 0;
        while (streams.length > 0 && (this.activatable.get(type)?.size ?? 0) > 0 && i < 100_000) {
          const stream = streams[i++ % streams.length]!;
          const [job] = this.activate(stream, 1);
          if (!job) break;
          this.engine.afterCommit(() => stream.push(job));
        }
      }
      const pollers = this.pollers.get(type);
      while (pollers && pollers.length > 0 && (this.activatable.get(type)?.size ?? 0) > 0) {
        const poller = pollers.shift()!;
        const jobs = this.activate(poller, poller.max);
        if (jobs.length > 0) {
          poller.claimed = true;
          this.engine.afterCommit(() => poller.deliver(jobs));
        }
        else pollers.unshift(poller);
        if (jobs.length === 0) break;
      }
      if (pollers && pollers.length === 0) this.pollers.delete(type);
    }
  }

  /**
   * Jobs activated for a worker that never received them (its call was gone):
   * activatable again, retries unchanged. A job since completed, failed or
   * activated again (another deadline) is left alone.
   */
  handBack(activated: ActivatedJob[], errorMessage: string): void {
    for (const delivered of activated) {
      const job = this.engine.state.jobs.get(delivered.key);
      if (!job || job.state !== 'activated' || job.deadline !== delivered.deadline) continue;
      job.errorMessage = errorMessage;
      this.makeActivatable(job);
    }
  }

  /** UpdateJobTimeout: an activated job's deadline becomes now + timeout (longer or shorter). */
  updateTimeout(jobKey: number, timeout: number): void {
    const { job } = this.find(jobKey, 'UPDATE_TIMEOUT');
    if (job.state !== 'activated') {
      throw failedPrecondition(`Command 'UPDATE_TIMEOUT' rejected with code 'INVALID_STATE': Expected to update the timeout of job with key '${jobKey}', but it is not active`);
    }
    job.deadline = this.engine.clock.now() + timeout;
    this.engine.state.touch('jobs', job);
    this.engine.scheduler.add(job.deadline, 'jobDeadline', job.key);
  }

  deadlinePassed(key: number): void {
    const job = this.engine.state.jobs.get(key);
    if (job && job.state === 'activated' && job.deadline! <= this.engine.clock.now()) this.makeActivatable(job);
  }

  backoffOver(key: number): void {
    const job = this.engine.state.jobs.get(key);
    if (job && job.state === 'backoff' && job.retryAt! <= this.engine.clock.now()) this.makeActivatable(job);
  }

  // ---------------------------------------------------------------- what workers report (each runs inside a command)

  private find(jobKey: number, verb: string): { job: Job; instance: ProcessInstance; element: ElementInstance } {
    const job = this.engine.state.jobs.get(jobKey);
    if (!job) throw notFound(`Command '${verb}' rejected with code 'NOT_FOUND': Expected to ${verb.toLowerCase()} job with key '${jobKey}', but no such job was found`);
    const instance = this.engine.state.instances.get(job.processInstanceKey);
    const element = instance?.elements[job.elementInstanceKey];
    if (!instance || !element) throw notFound(`Expected to ${verb.toLowerCase()} job with key '${jobKey}', but its element is gone`);
    return { job, instance, element };
  }

  /** CompleteJob: the job's element completes with the variables. */
  complete(jobKey: number, variables: Record<string, unknown>): void {
    const { job, instance, element } = this.find(jobKey, 'COMPLETE');
    if (job.state === 'incident' || job.state === 'backoff') {
      throw failedPrecondition(`Expected to complete job with key '${jobKey}', but it is in state 'FAILED'`);
    }
    const { executor } = this.engine;
    this.remove(job.key);
    delete element.jobKey;
    executor.run(() => executor.completeWithVariables(instance, element, variables));
  }

  /** FailJob: with retries left the job comes back (after the back-off), without an incident is raised. */
  fail(request: { jobKey: number; retries: number; errorMessage: string; retryBackOff: number; variables: Record<string, unknown> }): void {
    const { job, instance, element } = this.find(request.jobKey, 'FAIL');
    if (job.state !== 'activated') throw failedPrecondition(`Expected to fail job with key '${request.jobKey}', but it is not activated`);
    const { executor } = this.engine;
    if (Object.keys(request.variables).length > 0) {
      setLocal(instance, element.key, request.variables);
      executor.touch(instance);
    }
    job.retries = request.retries;
    job.errorMessage = request.errorMessage;
    if (job.retries > 0) {
      if (request.retryBackOff > 0) {
        this.setState(job, 'backoff');
        job.retryAt = this.engine.clock.now() + request.retryBackOff;
        delete job.deadline;
        this.engine.scheduler.add(job.retryAt, 'jobBackoff', job.key);
      } else this.makeActivatable(job);
    } else {
      this.setState(job, 'incident');
      raiseIncident(executor, instance, element, 'JOB_NO_RETRIES', job.errorMessage || 'No more retries left.', 'job', { jobKey: job.key });
    }
  }

  /** ThrowError: the job ends and a BPMN error is thrown from its element; uncaught, the job waits in an incident. */
  throwError(request: { jobKey: number; errorCode: string; errorMessage: string; variables: Record<string, unknown> }): void {
    const { job, instance, element } = this.find(request.jobKey, 'THROW_ERROR');
    if (job.state !== 'activated' && job.state !== 'activatable') throw failedPrecondition(`Expected to throw an error for job with key '${request.jobKey}', but it is in an incident`);
    const { executor } = this.engine;
    executor.run(() => {
      this.remove(job.key);
      delete element.jobKey;
      const caught = throwError(executor, instance, element, request.errorCode, request.errorMessage, request.variables);
      if (!caught) {
        job.state = 'incident';
        job.errorMessage = request.errorMessage;
        this.add(job);
        element.jobKey = job.key;
        raiseIncident(executor, instance, element, 'UNHANDLED_ERROR_EVENT',
          `Expected to throw an error event with the code '${request.errorCode}' with message '${request.errorMessage}', but it was not caught. No error events are available in the scope.`,
          'job', { jobKey: job.key });
      }
    });
  }

  /** UpdateJobRetries. */
  updateRetries(jobKey: number, retries: number): void {
    const { job } = this.find(jobKey, 'UPDATE_RETRIES');
    job.retries = retries;
    this.engine.state.touch('jobs', job);
  }
}

/** Without multi-tenancy only the default tenant exists. */
export function tenantMatches(tenantIds: string[]): boolean {
  return tenantIds.length === 0 || tenantIds.includes('<default>') || tenantIds.includes('');
}
