// Messages and signals: subscriptions indexed by name and correlation key,
// publishing with time-to-live buffering and message-id de-duplication,
// message and signal start events, and signal broadcast.
import type { Message, ProcessInstance, Subscription } from '../store/entities.ts';
import type { Engine } from './engine.ts';
import { alreadyExists } from './errors.ts';

const messageIndexKey = (name: string, correlationKey: string) => `${name}\u0000${correlationKey}`;

export class Messages {
  private readonly byCorrelation = new Map<string, Set<number>>();
  private readonly bySignal = new Map<string, Set<number>>();
  private readonly buffered = new Map<string, Set<number>>();
  private readonly byMessageId = new Map<string, number>();
  /** Running instances started by a message, so one correlation key starts one instance at a time. */
  private readonly startedByKey = new Map<string, Set<number>>();

  constructor(private readonly engine: Engine) {}

  load(): void {
    for (const subscription of this.engine.state.subscriptions.values()) this.index(subscription);
    for (const message of this.engine.state.messages.values()) this.indexMessage(message);
    for (const instance of this.engine.state.instances.values()) this.instanceStarted(instance);
  }

  private startKey(bpmnProcessId: string, name: string, correlationKey: string): string {
    return `${bpmnProcessId}\u0000${name}\u0000${correlationKey}`;
  }

  instanceStarted(instance: ProcessInstance): void {
    if (!instance.startedBy) return;
    const key = this.startKey(instance.bpmnProcessId, instance.startedBy.name, instance.startedBy.correlationKey);
    let set = this.startedByKey.get(key);
    if (!set) this.startedByKey.set(key, (set = new Set()));
    set.add(instance.key);
  }

  /** True while an instance of `bpmnProcessId` started by message `name` with `correlationKey` runs. */
  hasStartedInstance(bpmnProcessId: string, name: string, correlationKey: string): boolean {
    return this.startedByKey.has(this.startKey(bpmnProcessId, name, correlationKey));
  }

  instanceEnded(instance: ProcessInstance): void {
    if (!instance.startedBy) return;
    const key = this.startKey(instance.bpmnProcessId, instance.startedBy.name, instance.startedBy.correlationKey);
    const set = this.startedByKey.get(key);
    set?.delete(instance.key);
    if (set?.size === 0) this.startedByKey.delete(key);
  }

  private index(subscription: Subscription): void {
    const map = subscription.kind === 'message' ? this.byCorrelation : this.bySignal;
    const key = subscription.kind === 'message' ? messageIndexKey(subscription.name, subscription.correlationKey!) : subscription.name;
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(subscription.key);
  }

  private indexMessage(message: Message): void {
    const key = messageIndexKey(message.name, message.correlationKey);
    let set = this.buffered.get(key);
    if (!set) this.buffered.set(key, (set = new Set()));
    set.add(message.key);
    if (message.messageId) this.byMessageId.set(`${key}\u0000${message.messageId}`, message.key);
    this.engine.scheduler.add(message.expiresAt, 'messageExpiry', message.key);
  }

  addSubscription(subscription: Subscription): void {
    this.engine.state.put('subscriptions', subscription);
    this.index(subscription);
    if (subscription.kind === 'message') this.engine.executor.queue({ kind: 'correlate', instanceKey: subscription.processInstanceKey, subscriptionKey: subscription.key });
  }

  removeSubscription(key: number): void {
    const subscription = this.engine.state.subscriptions.get(key);
    if (!subscription) return;
    if (subscription.kind === 'message') this.byCorrelation.get(messageIndexKey(subscription.name, subscription.correlationKey!))?.delete(key);
    else this.bySignal.get(subscription.name)?.delete(key);
    this.engine.state.remove('subscriptions', key);
  }

  /** A new subscription takes the oldest live buffered message not yet correlated to its instance. */
  correlateBuffered(subscriptionKey: number): void {
    const subscription = this.engine.state.subscriptions.get(subscriptionKey);
    if (!subscription) return;
    const keys = this.buffered.get(messageIndexKey(subscription.name, subscription.correlationKey!));
    if (!keys) return;
    const now = this.engine.clock.now();
    for (const key of keys) {
      const message = this.engine.state.messages.get(key);
      if (!message || message.expiresAt <= now || message.correlatedInstances.includes(subscription.processInstanceKey)) continue;
      message.correlatedInstances.push(subscription.processInstanceKey);
      this.engine.state.touch('messages', message);
      this.deliver(subscription, message.variables);
      return;
    }
  }

  private deliver(subscription: Subscription, variables: Record<string, unknown>): void {
    const instance = this.engine.state.instances.get(subscription.processInstanceKey);
    const owner = instance?.elements[subscription.elementInstanceKey];
    if (!instance || !owner) return;
    // A non-interrupting event subprocess or boundary keeps listening; everything else is one-shot.
    const keeps = !subscription.interrupting && (this.engine.executor.node(instance, subscription.elementId).type === 'boundaryEvent'
      || this.engine.executor.node(instance, subscription.elementId).type === 'startEvent');
    if (!keeps) {
      this.removeSubscription(subscription.key);
      owner.subscriptionKeys = owner.subscriptionKeys?.filter((key) => key !== subscription.key);
    }
    this.engine.executor.queue({ kind: 'trigger', instanceKey: instance.key, ownerKey: owner.key, catchId: subscription.elementId, variables });
  }

  /** PublishMessage: runs inside a command; returns the message key. */
  publish(request: { name: string; correlationKey: string; timeToLive: number; messageId: string; variables: Record<string, unknown>; tenantId: string }): number {
    const { state } = this.engine;
    const indexKey = messageIndexKey(request.name, request.correlationKey);
    if (request.messageId) {
      const existing = this.byMessageId.get(`${indexKey}\u0000${request.messageId}`);
      const live = existing !== undefined ? state.messages.get(existing) : undefined;
      if (live && live.expiresAt > this.engine.clock.now()) {
        throw alreadyExists(`Expected to publish a new message with id '${request.messageId}', but a message with that id was already published`);
      }
    }
    const key = state.nextKey();
    const message: Message = {
      key, name: request.name, correlationKey: request.correlationKey, expiresAt: this.engine.clock.now() + Math.max(0, request.timeToLive),
      variables: request.variables, startedProcesses: [], correlatedInstances: [], tenantId: request.tenantId,
    };
    if (request.messageId) message.messageId = request.messageId;
    const executor = this.engine.executor;
    executor.run(() => {
      for (const { definition, startEventId } of this.engine.deployments.startEvents('message', request.name)) {
        if (request.correlationKey !== '' && this.hasStartedInstance(definition.resourceId, request.name, request.correlationKey)) continue;
        const instance = executor.createInstance(definition, request.variables, {
          startEventId, startedBy: { name: request.name, correlationKey: request.correlationKey },
        });
        this.instanceStarted(instance);
        message.startedProcesses.push(definition.resourceId);
        message.correlatedInstances.push(instance.key);
      }
      const subscriptions = [...(this.byCorrelation.get(indexKey) ?? [])].map((k) => state.subscriptions.get(k)!).filter(Boolean);
      for (const subscription of subscriptions) {
        if (message.correlatedInstances.includes(subscription.processInstanceKey)) continue;
        message.correlatedInstances.push(subscription.processInstanceKey);
        this.deliver(subscription, request.variables);
      }
      if (request.timeToLive > 0) {
        state.put('messages', message);
        this.indexMessage(message);
      }
    });
    return key;
  }

  expire(key: number): void {
    const message = this.engine.state.messages.get(key);
    if (!message || message.expiresAt > this.engine.clock.now()) return;
    const indexKey = messageIndexKey(message.name, message.correlationKey);
    this.buffered.get(indexKey)?.delete(key);
    if (message.messageId) this.byMessageId.delete(`${indexKey}\u0000${message.messageId}`);
    this.engine.state.remove('messages', key);
  }

  /** BroadcastSignal: runs inside a command; returns the signal's key. */
  broadcastSignal(name: string, variables: Record<string, unknown>): number {
    const key = this.engine.state.nextKey();
    this.engine.executor.run(() => this.broadcastNow(name, variables));
    return key;
  }

  /** Every signal start event of the latest processes and every open signal subscription hears the signal. */
  broadcastNow(name: string, variables: Record<string, unknown>): void {
    const { state, executor } = this.engine;
    for (const { definition, startEventId } of this.engine.deployments.startEvents('signal', name)) {
      executor.createInstance(definition, variables, { startEventId });
    }
    for (const subscriptionKey of [...(this.bySignal.get(name) ?? [])]) {
      const subscription = state.subscriptions.get(subscriptionKey);
      if (subscription) this.deliver(subscription, variables);
    }
  }
}
