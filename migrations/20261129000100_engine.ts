// Tables of the embedded workflow engine (engine/). The engine keeps its
// working state in memory and writes every change here, in one transaction per
// batch of commands, before it answers; on start-up it reads these tables back.
// Rows of finished process instances are deleted, as Zeebe drops their state.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('engine_meta', (table) => {
    table.comment('Engine counters that must survive restarts.');
    table.text('name').primary().comment('Counter name; "next_key" is the next unused entity key.');
    table.bigInteger('value').notNullable().comment('Counter value.');
  });

  await knex.schema.createTable('engine_resources', (table) => {
    table.comment('Deployed resources: BPMN processes, DMN decision requirements graphs and decisions, forms.');
    table.bigInteger('key').primary().comment('Process definition key, decision key, decision requirements key or form key.');
    table.text('kind').notNullable().comment('process, decision_requirements, decision or form.');
    table.text('resource_id').notNullable().comment('bpmnProcessId, decision id, decision requirements id or form id.');
    table.integer('version').notNullable().comment('Version per resource id, starting at 1; unchanged redeploys keep theirs.');
    table.text('name').comment('Human name from the model, when it has one.');
    table.text('resource_name').notNullable().comment('File name the resource was deployed under.');
    table.text('checksum').notNullable().comment('SHA-256 of the resource content; equal content keeps its version.');
    table.bigInteger('deployment_key').notNullable().comment('Key of the deployment that created this version.');
    table.bigInteger('parent_key').comment('For decisions: key of their decision requirements graph.');
    table.text('content').comment('Resource content (XML or form JSON); null for decisions, which live in their graph.');
    table.text('tenant_id').notNullable().defaultTo('<default>').comment('Zeebe tenant id.');
    table.boolean('deleted').notNullable().defaultTo(false).comment('Set by DeleteResource; deleted versions are never started again.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When it was deployed.');
    table.index(['kind', 'resource_id', 'version']);
  });

  await knex.schema.createTable('engine_process_instances', (table) => {
    table.comment('Running process instances with their element instances and variables.');
    table.bigInteger('key').primary().comment('Process instance key.');
    table.bigInteger('process_definition_key').notNullable().comment('Definition the instance runs.');
    table.text('bpmn_process_id').notNullable().comment('Process id, for people reading the table.');
    table.jsonb('state').notNullable().comment('Element instances, variable scopes and gateway joins (engine/runtime/instance.ts).');
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Last write.');
  });

  await knex.schema.createTable('engine_jobs', (table) => {
    table.comment('Jobs of service-like tasks and job-worker user tasks waiting for or held by a worker.');
    table.bigInteger('key').primary().comment('Job key.');
    table.text('type').notNullable().comment('Job type workers subscribe to.');
    table.bigInteger('process_instance_key').notNullable().comment('Instance the job belongs to.');
    table.text('state').notNullable().comment('activatable, activated, backoff (failed, waiting to retry) or incident.');
    table.jsonb('data').notNullable().comment('Headers, retries, deadline, worker, error message (engine/store/state.ts Job).');
  });

  await knex.schema.createTable('engine_timers', (table) => {
    table.comment('Timers of timer start events, intermediate timer catch events and timer boundary events.');
    table.bigInteger('key').primary().comment('Timer key.');
    table.bigInteger('process_instance_key').comment('Waiting instance; null for timer start events.');
    table.timestamp('due_at', { useTz: true }).notNullable().comment('When it fires; due timers fire on start-up.');
    table.jsonb('data').notNullable().comment('Element, repetitions left and cycle (engine/store/state.ts Timer).');
  });

  await knex.schema.createTable('engine_subscriptions', (table) => {
    table.comment('Open message and signal subscriptions of waiting element instances.');
    table.bigInteger('key').primary().comment('Subscription key.');
    table.text('kind').notNullable().comment('message or signal.');
    table.text('name').notNullable().comment('Message or signal name.');
    table.text('correlation_key').comment('Correlation key of message subscriptions.');
    table.bigInteger('process_instance_key').notNullable().comment('Waiting instance.');
    table.jsonb('data').notNullable().comment('Element instance and element (engine/store/state.ts Subscription).');
  });

  await knex.schema.createTable('engine_messages', (table) => {
    table.comment('Published messages buffered for their time to live.');
    table.bigInteger('key').primary().comment('Message key.');
    table.text('name').notNullable().comment('Message name.');
    table.text('correlation_key').notNullable().comment('Correlation key.');
    table.text('message_id').comment('Optional id; a second message with the same name, key and id is rejected while this one lives.');
    table.timestamp('expires_at', { useTz: true }).notNullable().comment('End of the time to live.');
    table.jsonb('data').notNullable().comment('Variables and the processes already started by it (engine/store/state.ts Message).');
  });

  await knex.schema.createTable('engine_incidents', (table) => {
    table.comment('Open incidents: a job out of retries, an unhandled error or a failed expression.');
    table.bigInteger('key').primary().comment('Incident key.');
    table.bigInteger('process_instance_key').notNullable().comment('Instance with the incident.');
    table.text('error_type').notNullable().comment('Zeebe error type, e.g. JOB_NO_RETRIES, EXTRACT_VALUE_ERROR.');
    table.jsonb('data').notNullable().comment('Element instance, job and the step to retry on resolve (engine/store/state.ts Incident).');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'engine_incidents',
    'engine_messages',
    'engine_subscriptions',
    'engine_timers',
    'engine_jobs',
    'engine_process_instances',
    'engine_resources',
    'engine_meta',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
