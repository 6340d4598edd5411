// The engine's working set: every durable entity in memory, plus the set of
// changes not yet written. Commands mutate through put/remove only, so the
// committer always knows exactly which rows to write.
import type { Knex } from 'knex';
import { latestInstant } from '../model/timers.ts';
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

type Changes = { [T in Table]: Map<number, EntityOf[T] | null> };

function emptyChanges(): Changes {
  return {
    resources: new Map(), instances: new Map(), jobs: new Map(), timers: new Map(),
    subscriptions: new Map(), messages: new Map(), incidents: new Map(),
  };
}

/**
 * One table's part of a batch: the upserted rows as one JSON array of objects
 * keyed by column (read server-side by jsonb_to_recordset, so an entity's
 * jsonb column travels as part of the document, not as an escaped text in a
 * text array), and the keys to delete.
 */
interface TableBatch { table: string; columns: string[]; types: string[]; rows: string | null; deletes: number[] }

/**
 * Changes as rows, serialised when they were taken: later commands may change
 * the live objects while the batch is being written, and must not leak into it.
 */
export interface Batch { nextKey: number | null; tables: TableBatch[] }

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
  private keysHandedOut = false;
  private changes = emptyChanges();

  nextKey(): number {
    this.keysHandedOut = true;
    return this.nextKeyValue++;
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

  /**
   * Hands the pending changes to the committer as rows, serialised now: the
   * batch is what memory holds at this instant, between two commands. Null
   * when nothing changed. The key counter goes with every batch that handed
   * out keys, so a key answered to a client is never handed out again.
   */
  takeChanges(): Batch | null {
    const taken = this.changes;
    const nextKey = this.keysHandedOut ? this.nextKeyValue : null;
    this.changes = emptyChanges();
    this.keysHandedOut = false;
    const tables: TableBatch[] = [];
    for (const name of Object.keys(rowShapes) as Table[]) {
      const changes = taken[name] as Map<number, { key: number } | null>;
      if (changes.size === 0) continue;
      const shape = rowShapes[name] as unknown as RowShape<{ key: number }>;
      const upserts: Array<{ key: number }> = [];
      const deletes: number[] = [];
      for (const [key, entity] of changes) {
        if (entity) upserts.push(entity); else deletes.push(key);
      }
      const rows = upserts.map((entity) => {
        const row: Record<string, unknown> = { key: entity.key };
        for (const [column, , get] of shape.columns) row[column] = get(entity);
        return row;
      });
      tables.push({
        table: shape.table,
        columns: ['key', ...shape.columns.map(([column]) => column)],
        types: ['bigint', ...shape.columns.map(([, type]) => type)],
        rows: rows.length > 0 ? JSON.stringify(rows) : null, // serialised now, as the batch is taken
        deletes,
      });
    }
    if (nextKey === null && tables.length === 0) return null;
    return { nextKey, tables };
  }

  /**
   * Reads every engine table into memory. The next key is above the saved
   * counter and above every key found in any table (element instance keys
   * inside the instances too), so no key is ever handed out twice.
   */
  async load(db: Knex): Promise<void> {
    const meta = await db('engine_meta').where({ name: 'next_key' }).first();
    let highest = Math.max(firstKey - 1, meta ? Number(meta.value) - 1 : 0);
    const seen = (key: number) => {
      if (key > highest) highest = key;
    };
    for (const row of await db('engine_resources').select()) {
      const resource: Resource = {
        key: Number(row.key), kind: row.kind, resourceId: row.resource_id, version: row.version, name: row.name,
        resourceName: row.resource_name, checksum: row.checksum, deploymentKey: Number(row.deployment_key),
        parentKey: row.parent_key === null ? null : Number(row.parent_key), content: row.content,
        tenantId: row.tenant_id, deleted: row.deleted,
      };
      this.resources.set(resource.key, resource);
      seen(resource.key);
      seen(resource.deploymentKey);
    }
    for (const row of await db('engine_process_instances').select('state')) {
      const instance = row.state as ProcessInstance;
      this.instances.set(instance.key, instance);
      for (const key of Object.keys(instance.elements)) seen(Number(key));
    }
    const loadData = async <T extends { key: number }>(table: string, into: Map<number, T>) => {
      for (const row of await db(table).select('data')) {
        into.set(row.data.key, row.data);
        seen(row.data.key);
      }
    };
    await loadData('engine_jobs', this.jobs);
    await loadData('engine_timers', this.timers);
    await loadData('engine_subscriptions', this.subscriptions);
    await loadData('engine_messages', this.messages);
    await loadData('engine_incidents', this.incidents);
    this.nextKeyValue = highest + 1;
  }
}

/** A due time for its timestamptz column (the entity in `data` keeps the exact number): always a valid date. */
function timestamp(at: number): string {
  return new Date(Math.min(Math.max(Number.isFinite(at) ? at : 0, -latestInstant), latestInstant)).toISOString();
}

type RowShape<E> = { table: string; columns: Array<[string, string, (e: E) => unknown]> };

/** Columns of each table besides `key`, computed from the entity. */
const rowShapes: { [T in Table]: RowShape<EntityOf[T]> } = {
  resources: {
    table: 'engine_resources',
    columns: [
      ['kind', 'text', (e) => e.kind],
      ['resource_id', 'text', (e) => e.resourceId],
      ['version', 'integer', (e) => e.version],
      ['name', 'text', (e) => e.name],
      ['resource_name', 'text', (e) => e.resourceName],
      ['checksum', 'text', (e) => e.checksum],
      ['deployment_key', 'bigint', (e) => e.deploymentKey],
      ['parent_key', 'bigint', (e) => e.parentKey],
      ['content', 'text', (e) => e.content],
      ['tenant_id', 'text', (e) => e.tenantId],
      ['deleted', 'boolean', (e) => e.deleted],
    ],
  },
  instances: {
    table: 'engine_process_instances',
    columns: [
      ['process_definition_key', 'bigint', (e) => e.processDefinitionKey],
      ['bpmn_process_id', 'text', (e) => e.bpmnProcessId],
      ['state', 'jsonb', (e) => e],
    ],
  },
  jobs: {
    table: 'engine_jobs',
    columns: [
      ['type', 'text', (e) => e.type],
      ['process_instance_key', 'bigint', (e) => e.processInstanceKey],
      ['state', 'text', (e) => e.state],
      ['data', 'jsonb', (e) => e],
    ],
  },
  timers: {
    table: 'engine_timers',
    columns: [
      ['process_instance_key', 'bigint', (e) => e.processInstanceKey ?? null],
      ['due_at', 'timestamptz', (e) => timestamp(e.dueAt)],
      ['data', 'jsonb', (e) => e],
    ],
  },
  subscriptions: {
    table: 'engine_subscriptions',
    columns: [
      ['kind', 'text', (e) => e.kind],
      ['name', 'text', (e) => e.name],
      ['correlation_key', 'text', (e) => e.correlationKey ?? null],
      ['process_instance_key', 'bigint', (e) => e.processInstanceKey],
      ['data', 'jsonb', (e) => e],
    ],
  },
  messages: {
    table: 'engine_messages',
    columns: [
      ['name', 'text', (e) => e.name],
      ['correlation_key', 'text', (e) => e.correlationKey],
      ['message_id', 'text', (e) => e.messageId ?? null],
      ['expires_at', 'timestamptz', (e) => timestamp(e.expiresAt)],
      ['data', 'jsonb', (e) => e],
    ],
  },
  incidents: {
    table: 'engine_incidents',
    columns: [
      ['process_instance_key', 'bigint', (e) => e.processInstanceKey],
      ['error_type', 'text', (e) => e.errorType],
      ['data', 'jsonb', (e) => e],
    ],
  },
};

/**
 * The whole batch as one statement: the key counter and every table's
 * deletes and upserts are data-modifying parts of one WITH, so a commit is one round trip whatever the batch holds, and
 * atomic without BEGIN/COMMIT (a single statement is its own transaction).
 * No two parts touch the same row: a batch holds one change per key and table.
 */
export function batchStatement(batch: Batch): { text: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const parameter = (value: unknown, type: string) => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  if (batch.nextKey !== null) {
    parts.push(`INSERT INTO engine_meta (name, value) VALUES ('next_key', ${parameter(String(batch.nextKey), 'bigint')}) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`);
  }
  for (const { table, columns, types, rows, deletes } of batch.tables) {
    if (deletes.length > 0) parts.push(`DELETE FROM ${table} WHERE key = ANY(${parameter(deletes, 'bigint[]')})`);
    if (rows === null) continue;
    const record = columns.map((name, i) => `${name} ${types[i]}`).join(', ');
    const updates = columns.slice(1).map((name) => `${name} = EXCLUDED.${name}`).join(', ');
    parts.push(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM jsonb_to_recordset(${parameter(rows, 'jsonb')}) AS r(${record}) ON CONFLICT (key) DO UPDATE SET ${updates}`);
  }
  return { text: `WITH ${parts.map((part, i) => `w${i} AS (${part})`).join(', ')} SELECT ${parts.length} AS parts`, values };
}
