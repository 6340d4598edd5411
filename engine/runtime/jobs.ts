// Jobs: the activatable queue per type, activation with deadlines, and the
// workers waiting for work — long-polling ActivateJobs calls (answered as soon
// as a job exists, then ended) and StreamActivatedJobs streams.
import type { Job } from '../store/entities.ts';
import type { Engine } from './engine.ts';
import { pick, visibleVariables } from './variables.ts';

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

  /** UpdateJobTimeout: an activated job's deadline becomes now + timeout (longer or shorter). */
  updateTimeout(job: Job, timeout: number): void {
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
}

/** Without multi-tenancy only the default tenant exists. */
export function tenantMatches(tenantIds: string[]): boolean {
  return tenantIds.length === 0 || tenantIds.includes('<default>') || tenantIds.includes('');
}
