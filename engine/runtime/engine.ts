// The engine core: one in-memory working set, commands applied to it one at a
// time (JavaScript's single thread is the lock), and answers released only
// after the group commit that made their effects durable.
import { status } from '@grpc/grpc-js';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { nextCycle } from '../model/timers.ts';
import { Committer } from '../store/committer.ts';
import { EngineClock } from './clock.ts';
import type { ElementInstance, ProcessInstance, Timer } from '../store/entities.ts';
import type { LockedConnection } from '../store/lock.ts';
import { State } from '../store/state.ts';
import { Deployments } from './deployments.ts';
import { GatewayError } from './errors.ts';
import { trigger } from './events.ts';
import { defaultStepBudget, Executor, type StepBudget } from './executor.ts';
import { Jobs } from './jobs.ts';
import { Messages } from './messages.ts';
import { Scheduler } from './scheduler.ts';

type EndListener = (outcome: 'completed' | 'terminated', variables: Record<string, unknown>) => void;

/**
 * Ways for tests to break the engine from inside, which no client can reach:
 * they show that an unexpected failure stops the engine cleanly.
 */
export interface EngineTestHooks {
  /** Runs as an element is entered, inside the command. */
  beforeEnter?(instance: ProcessInstance, element: ElementInstance): void;
}

export class Engine {
  readonly hooks: EngineTestHooks;
  readonly state = new State();
  readonly clock = new EngineClock();
  readonly committer: Committer;
  readonly scheduler: Scheduler;
  readonly deployments = new Deployments(this);
  readonly jobs = new Jobs(this);
  readonly messages = new Messages(this);
  readonly executor: Executor;
  private continuing = false;
  private readonly endListeners = new Map<number, EndListener[]>();
  /** Set once the engine has stopped on an unexpected failure; it does nothing more. */
  private failure: Error | null = null;
  private readonly fatalListeners: Array<(error: Error) => void> = [];

  constructor(
    readonly db: Knex, readonly logger: Logger, lock: LockedConnection,
    options: { hooks?: EngineTestHooks; budget?: Partial<StepBudget> } = {},
  ) {
    this.hooks = options.hooks ?? {};
    this.executor = new Executor(this, { ...defaultStepBudget, ...options.budget });
    this.executor.onParked = () => this.continueSoon();
    this.committer = new Committer(lock, this.state, logger, (reason, error) => this.fatal(reason, error));
    this.scheduler = new Scheduler(this.clock, (due) => this.fireDue(due));
    lock.onLost((error) => this.fatal('lost the database connection that holds the engine lock', error));
  }

  /** Called once if the engine stops on an unexpected failure. */
  onFatal(listener: (error: Error) => void): void {
    this.fatalListeners.push(listener);
    if (this.failure) listener(this.failure);
  }

  /**
   * Crash-only: an unexpected failure leaves memory in an unknown state (a
   * command half applied, a commit refused), so the engine stops at once —
   * no further command runs and nothing more is committed — and whoever runs
   * it restarts it, from the last commit. Nobody was answered for anything
   * uncommitted, so nothing acknowledged is lost.
   */
  fatal(reason: string, error: Error): void {
    if (this.failure) return;
    this.failure = new GatewayError(status.UNAVAILABLE, `the engine stopped (${reason}: ${error.message}); it restarts from its last commit`);
    this.logger.fatal({ err: error }, `engine stops: ${reason}; nothing uncommitted was answered, recovery restarts from the last commit`);
    this.scheduler.stop();
    this.committer.stop(this.failure);
    for (const listener of this.fatalListeners) listener(this.failure);
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  async load(): Promise<void> {
    await this.state.load(this.db);
    await this.deployments.load();
    for (const instance of this.state.instances.values()) {
      for (const key of Object.keys(instance.elements)) this.executor.owners.set(Number(key), instance.key);
      this.executor.loaded(instance);
    }
    this.jobs.load();
    this.messages.load();
    for (const timer of this.state.timers.values()) this.scheduler.add(timer.dueAt, 'timer', timer.key);
    if (this.executor.hasParked()) this.continueSoon();
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
    if (this.failure) return Promise.reject(this.failure);
    let result: T;
    try {
      result = this.clock.around(() => {
        const applied = apply();
        this.jobs.dispatch();
        return applied;
      });
    } catch (error) {
      if (error instanceof GatewayError) return Promise.reject(error);
      this.fatal('a command failed unexpectedly', error instanceof Error ? error : new Error(String(error)));
      return Promise.reject(this.failure);
    }
    return new Promise((resolve, reject) => this.committer.afterCommit(() => resolve(result), reject));
  }

  /**
   * A command used up its slice of steps: the rest runs in a follow-up
   * command once the slice is committed, so other clients' commands, arriving
   * meanwhile, run and commit between slices instead of queueing behind them.
   */
  private continueSoon(): void {
    if (this.continuing) return;
    this.continuing = true;
    this.committer.afterCommit(() => setImmediate(() => {
      this.continuing = false;
      this.command(() => this.executor.resume()).catch(() => undefined);
    }));
  }

  /** Resolves once everything so far is committed and the database answered: the commit path works. */
  roundTrip(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.committer.roundTrip();
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
    }).catch((error) => {
      if (!this.failure) this.logger.error({ err: error }, 'scheduled work failed');
    });
  }

  private fireTimer(key: number): void {
    const timer = this.state.timers.get(key);
    if (!timer || timer.dueAt > this.clock.now()) return;
    const next = timer.interval !== undefined && timer.repetitions !== undefined && timer.repetitions !== 0 ? nextCycle(timer.dueAt, timer.interval) : null;
    const repeats = next !== null;
    if (repeats) {
      timer.dueAt = next;
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
