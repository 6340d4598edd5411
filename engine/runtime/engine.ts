// The engine core: one in-memory working set, commands applied to it one at a
// time (JavaScript's single thread is the lock), and answers released only
// after the group commit that made their effects durable.
import { status } from '@grpc/grpc-js';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { nextCycle } from '../model/timers.ts';
import { Committer } from '../store/committer.ts';
import { EngineClock } from './clock.ts';
import type { ProcessInstance, Timer } from '../store/entities.ts';
import { State } from '../store/state.ts';
import { Deployments } from './deployments.ts';
import { GatewayError } from './errors.ts';
import { trigger } from './events.ts';
import { Executor } from './executor.ts';
import { Jobs } from './jobs.ts';
import { Messages } from './messages.ts';
import { Scheduler } from './scheduler.ts';

type EndListener = (outcome: 'completed' | 'terminated', variables: Record<string, unknown>) => void;

export class Engine {
  readonly state = new State();
  readonly clock = new EngineClock();
  readonly committer: Committer;
  readonly scheduler: Scheduler;
  readonly deployments = new Deployments(this);
  readonly jobs = new Jobs(this);
  readonly messages = new Messages(this);
  readonly executor = new Executor(this);
  private readonly endListeners = new Map<number, EndListener[]>();

  constructor(readonly db: Knex, readonly logger: Logger) {
    this.committer = new Committer(db, this.state, logger);
    this.scheduler = new Scheduler(this.clock, (due) => this.fireDue(due));
  }

  async load(): Promise<void> {
    await this.state.load(this.db);
    await this.deployments.load();
    for (const instance of this.state.instances.values()) {
      for (const key of Object.keys(instance.elements)) this.executor.owners.set(Number(key), instance.key);
    }
    this.jobs.load();
    this.messages.load();
    for (const timer of this.state.timers.values()) this.scheduler.add(timer.dueAt, 'timer', timer.key);
    this.logger.info({
      instances: this.state.instances.size, jobs: this.state.jobs.size, timers: this.state.timers.size,
      subscriptions: this.state.subscriptions.size, messages: this.state.messages.size,
    }, 'engine state loaded');
  }

  /**
   * Applies a command to memory now and resolves once it is committed.
   * A GatewayError thrown before any change rejects at once.
   */
  command<T>(apply: () => T): Promise<T> {
    let result: T;
    try {
      result = this.clock.around(() => {
        const applied = apply();
        this.jobs.dispatch();
        return applied;
      });
    } catch (error) {
      if (error instanceof GatewayError) return Promise.reject(error);
      this.logger.error({ err: error }, 'engine command failed');
      return Promise.reject(new GatewayError(status.INTERNAL, `engine failure: ${(error as Error).message}`));
    }
    return new Promise((resolve) => this.committer.afterCommit(() => resolve(result)));
  }

  afterCommit(then: () => void): void {
    this.committer.afterCommit(then);
  }

  addTimer(timer: Timer): void {
    this.state.put('timers', timer);
    this.scheduler.add(timer.dueAt, 'timer', timer.key);
  }

  onInstanceEnd(instanceKey: number, listener: EndListener): () => void {
    let list = this.endListeners.get(instanceKey);
    if (!list) this.endListeners.set(instanceKey, (list = []));
    list.push(listener);
    return () => {
      const current = this.endListeners.get(instanceKey);
      if (!current) return;
      const index = current.indexOf(listener);
      if (index >= 0) current.splice(index, 1);
      if (current.length === 0) this.endListeners.delete(instanceKey);
    };
  }

  instanceEnded(instance: ProcessInstance, variables: Record<string, unknown>, outcome: 'completed' | 'terminated'): void {
    this.messages.instanceEnded(instance);
    const listeners = this.endListeners.get(instance.key);
    if (!listeners) return;
    this.endListeners.delete(instance.key);
    const snapshot = { ...variables };
    this.afterCommit(() => listeners.forEach((listener) => listener(outcome, snapshot)));
  }

  private fireDue(due: Array<{ kind: string; key: number }>): void {
    this.command(() => {
      for (const entry of due) {
        if (entry.kind === 'timer') this.fireTimer(entry.key);
        else if (entry.kind === 'jobDeadline') this.jobs.deadlinePassed(entry.key);
        else if (entry.kind === 'jobBackoff') this.jobs.backoffOver(entry.key);
        else if (entry.kind === 'messageExpiry') this.messages.expire(entry.key);
      }
    }).catch((error) => this.logger.error({ err: error }, 'scheduled work failed'));
  }

  private fireTimer(key: number): void {
    const timer = this.state.timers.get(key);
    if (!timer || timer.dueAt > this.clock.now()) return;
    const repeats = timer.interval !== undefined && timer.repetitions !== undefined && timer.repetitions !== 0;
    if (repeats) {
      timer.dueAt = nextCycle(timer.dueAt, timer.interval!);
      if (timer.repetitions! > 0) timer.repetitions!--;
      this.state.touch('timers', timer);
      this.scheduler.add(timer.dueAt, 'timer', timer.key);
    } else {
      this.state.remove('timers', key);
    }
    if (timer.processInstanceKey === undefined) {
      const definition = this.deployments.processByKey(timer.processDefinitionKey);
      if (definition) this.executor.run(() => this.executor.createInstance(definition, {}, { startEventId: timer.elementId }));
      return;
    }
    const instance = this.state.instances.get(timer.processInstanceKey);
    const owner = instance?.elements[timer.elementInstanceKey!];
    if (!instance || !owner) return;
    if (!repeats) {
      owner.timerKeys = owner.timerKeys?.filter((k) => k !== key);
      this.executor.touch(instance);
    }
    this.executor.run(() => trigger(this.executor, instance, owner, timer.elementId, {}));
  }

  /**
   * Pins the clock (epoch milliseconds) and fires what fell due; resolves once
   * that work is committed. Time then stands still until pinned again or reset.
   */
  async pinClock(timestamp: number): Promise<void> {
    this.clock.pin(timestamp);
    this.scheduler.clockChanged();
    await this.committer.flush();
  }

  /** Back to system time; fires what is due by it and resolves once committed. */
  async resetClock(): Promise<void> {
    this.clock.reset();
    this.scheduler.clockChanged();
    await this.committer.flush();
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    await this.committer.idle();
    this.committer.stop();
  }
}
