// The engine's working set: every durable entity in memory, plus the set of
// changes not yet written. Commands mutate through put/remove only, so the
// committer always knows exactly which rows to write.
import type { Knex } from 'knex';
import type { Incident, Job, Message, ProcessInstance, Resource, Subscription, Timer } from './entities.ts';

type Table = 'resources' | 'instances' | 'jobs' | 'timers' | 'subscriptions' | 'messages' | 'incidents';
interface EntityOf {
  resources: Resource;
  instances: ProcessInstance;
  jobs: Job;
  timers: Timer;
  subscriptions: Subscription;
  messages: Message;
  incidents: Incident;
}

export type Changes = { [T in Table]: Map<number, EntityOf[T] | null> } & { nextKey: number | null };

function emptyChanges(): Changes {
  return {
    resources: new Map(), instances: new Map(), jobs: new Map(), timers: new Map(),
    subscriptions: new Map(), messages: new Map(), incidents: new Map(), nextKey: null,
  };
}

/** First key of partition 1, as Zeebe's keys look. */
export const firstKey = 2251799813685249;

export class State {
  readonly resources = new Map<number, Resource>();
  readonly instances = new Map<number, ProcessInstance>();
  readonly jobs = new Map<number, Job>();
  readonly timers = new Map<number, Timer>();
  readonly subscriptions = new Map<number, Subscription>();
  readonly messages = new Map<number, Message>();
  readonly incidents = new Map<number, Incident>();
  private nextKeyValue = firstKey;
  private changes = emptyChanges();

  nextKey(): number {
    const key = this.nextKeyValue++;
    this.changes.nextKey = this.nextKeyValue;
    return key;
  }

  put<T extends Table>(table: T, entity: EntityOf[T]): void {
    (this[table] as Map<number, EntityOf[T]>).set(entity.key, entity);
    (this.changes[table] as Map<number, EntityOf[T] | null>).set(entity.key, entity);
  }

  /** Marks an entity changed in place. */
  touch<T extends Table>(table: T, entity: EntityOf[T]): void {
    (this.changes[table] as Map<number, EntityOf[T] | null>).set(entity.key, entity);
  }

  remove(table: Table, key: number): void {
    if (this[table].delete(key)) this.changes[table].set(key, null);
  }

  hasChanges(): boolean {
    const c = this.changes;
    return c.nextKey !== null || c.resources.size + c.instances.size + c.jobs.size + c.timers.size
      + c.subscriptions.size + c.messages.size + c.incidents.size > 0;
  }

  /** Hands the pending changes to the committer. */
  takeChanges(): Changes {
    const taken = this.changes;
    this.changes = emptyChanges();
    return taken;
  }

  /** Puts back changes whose commit failed, unless a newer change replaced them. */
  restoreChanges(failed: Changes): void {
    for (const table of Object.keys(failed) as Array<keyof Changes>) {
      if (table === 'nextKey') {
        if (this.changes.nextKey === null) this.changes.nextKey = failed.nextKey;
        continue;
      }
      const pending = this.changes[table] as Map<number, unknown>;
      for (const [key, value] of failed[table] as Map<number, unknown>) {
        if (!pending.has(key)) pending.set(key, value);
      }
    }
  }

  async load(db: Knex): Promise<void> {
    const meta = await db('engine_meta').where({ name: 'next_key' }).first();
    if (meta) this.nextKeyValue = Number(meta.value);
    for (const row of await db('engine_resources').select()) {
      const resource: Resource = {
        key: Number(row.key), kind: row.kind, resourceId: row.resource_id, version: row.version, name: row.name,
        resourceName: row.resource_name, checksum: row.checksum, deploymentKey: Number(row.deployment_key),
        parentKey: row.parent_key === null ? null : Number(row.parent_key), content: row.content,
        tenantId: row.tenant_id, deleted: row.deleted,
      };
      this.resources.set(resource.key, resource);
    }
    for (const row of await db('engine_process_instances').select('state')) this.instances.set(row.state.key, row.state);
    const loadData = async <T extends { key: number }>(table: string, into: Map<number, T>) => {
      for (const row of await db(table).select('data')) into.set(row.data.key, row.data);
    };
    await loadData('engine_jobs', this.jobs);
    await loadData('engine_timers', this.timers);
    await loadData('engine_subscriptions', this.subscriptions);
    await loadData('engine_messages', this.messages);
    await loadData('engine_incidents', this.incidents);
  }
}

/** Columns of each table besides `key`, computed from the entity. */
const rowShapes: { [T in Exclude<Table, 'resources'>]: { table: string; columns: Array<[string, string, (e: EntityOf[T]) => unknown]> } } = {
  instances: {
    table: 'engine_process_instances',
    columns: [
      ['process_definition_key', 'bigint', (e) => e.processDefinitionKey],
      ['bpmn_process_id', 'text', (e) => e.bpmnProcessId],
      ['state', 'jsonb', (e) => JSON.stringify(e)],
    ],
  },
  jobs: {
    table: 'engine_jobs',
    columns: [
      ['type', 'text', (e) => e.type],
      ['process_instance_key', 'bigint', (e) => e.processInstanceKey],
      ['state', 'text', (e) => e.state],
      ['data', 'jsonb', (e) => JSON.stringify(e)],
    ],
  },
  timers: {
    table: 'engine_timers',
    columns: [
      ['process_instance_key', 'bigint', (e) => e.processInstanceKey ?? null],
      ['due_at', 'timestamptz', (e) => new Date(e.dueAt).toISOString()],
      ['data', 'jsonb', (e) => JSON.stringify(e)],
    ],
  },
  subscriptions: {
    table: 'engine_subscriptions',
    columns: [
      ['kind', 'text', (e) => e.kind],
      ['name', 'text', (e) => e.name],
      ['correlation_key', 'text', (e) => e.correlationKey ?? null],
      ['process_instance_key', 'bigint', (e) => e.processInstanceKey],
      ['data', 'jsonb', (e) => JSON.stringify(e)],
    ],
  },
  messages: {
    table: 'engine_messages',
    columns: [
      ['name', 'text', (e) => e.name],
      ['correlation_key', 'text', (e) => e.correlationKey],
      ['message_id', 'text', (e) => e.messageId ?? null],
      ['expires_at', 'timestamptz', (e) => new Date(e.expiresAt).toISOString()],
      ['data', 'jsonb', (e) => JSON.stringify(e)],
    ],
  },
  incidents: {
    table: 'engine_incidents',
    columns: [
      ['process_instance_key', 'bigint', (e) => e.processInstanceKey],
      ['error_type', 'text', (e) => e.errorType],
      ['data', 'jsonb', (e) => JSON.stringify(e)],
    ],
  },
};

async function writeTable<T extends { key: number }>(
  trx: Knex.Transaction, table: string, columns: Array<[string, string, (e: T) => unknown]>, changes: Map<number, T | null>,
): Promise<void> {
  if (changes.size === 0) return;
  const upserts: T[] = [];
  const deletes: number[] = [];
  for (const [key, entity] of changes) {
    if (entity) upserts.push(entity); else deletes.push(key);
  }
  if (deletes.length > 0) await trx.raw(`DELETE FROM ${table} WHERE key = ANY(?::bigint[])`, [deletes]);
  if (upserts.length > 0) {
    // One statement per table whatever the batch size: arrays unnested server-side.
    const names = ['key', ...columns.map(([name]) => name)];
    const arrays: Knex.RawBinding[] = [upserts.map((e) => e.key), ...columns.map(([, , get]) => upserts.map(get) as Knex.RawBinding)];
    const casts = ['bigint', ...columns.map(([, type]) => type)].map((type) => `?::${type}[]`).join(', ');
    const updates = columns.map(([name]) => `${name} = EXCLUDED.${name}`).join(', ');
    await trx.raw(
      `INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM unnest(${casts}) ON CONFLICT (key) DO UPDATE SET ${updates}`,
      arrays,
    );
  }
}

export async function writeChanges(trx: Knex.Transaction, changes: Changes): Promise<void> {
  if (changes.nextKey !== null) {
    await trx.raw(
      `INSERT INTO engine_meta (name, value) VALUES ('next_key', ?) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
      [changes.nextKey],
    );
  }
  for (const [key, resource] of changes.resources) {
    if (!resource) {
      await trx('engine_resources').where({ key }).delete();
      continue;
    }
    const row = {
      key: resource.key, kind: resource.kind, resource_id: resource.resourceId, version: resource.version, name: resource.name,
      resource_name: resource.resourceName, checksum: resource.checksum, deployment_key: resource.deploymentKey,
      parent_key: resource.parentKey, content: resource.content, tenant_id: resource.tenantId, deleted: resource.deleted,
    };
    await trx('engine_resources').insert(row).onConflict('key').merge();
  }
  for (const name of Object.keys(rowShapes) as Array<keyof typeof rowShapes>) {
    const shape = rowShapes[name];
    await writeTable(trx, shape.table, shape.columns as never, changes[name] as Map<number, { key: number } | null>);
  }
}
