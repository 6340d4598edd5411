// The first schema: who (districts, staff, citizens), what (requests and their
// timeline, documents, payments, appointments, tasks), and what we owe people
// (notifications, ratings). Later changes come as new migrations.
import type { Knex } from 'knex';

/** Mashhad's thirteen districts and Samen (the shrine district). District 12 is the pilot. */
export const districts = [
  ...Array.from({ length: 13 }, (_, index) => ({
    id: index + 1,
    name_fa: `منطقه ${(index + 1).toLocaleString('fa-IR')}`,
    name_en: `District ${index + 1}`,
    is_pilot: index + 1 === 12,
  })),
  { id: 14, name_fa: 'منطقه ثامن', name_en: 'Samen District', is_pilot: false },
];

export const roles = [
  { id: 'clerk', name_fa: 'کارشناس', name_en: 'Clerk' },
  { id: 'inspector', name_fa: 'بازرس', name_en: 'Inspector' },
  { id: 'manager', name_fa: 'مدیر منطقه', name_en: 'District manager' },
  { id: 'analyst', name_fa: 'تحلیلگر فرایند', name_en: 'Process analyst' },
  { id: 'agent-137', name_fa: 'کارشناس سامانه ۱۳۷', name_en: '137 agent' },
  { id: 'admin', name_fa: 'مدیر سامانه', name_en: 'Administrator' },
];

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pgcrypto');

  await knex.schema.createTable('districts', (table) => {
    table.comment('Municipal districts of Mashhad; the unit that owns staff and requests.');
    table.integer('id').primary().comment('District number (1-13; 14 is Samen).');
    table.text('name_fa').notNullable().comment('Public Persian name.');
    table.text('name_en').notNullable().comment('English name, for logs and analysts.');
    table.boolean('is_pilot').notNullable().defaultTo(false).comment('Whether the district is in the pilot (district 12 first).');
  });
  await knex('districts').insert(districts);

  await knex.schema.createTable('roles', (table) => {
    table.comment('Staff roles; a role plus a district gives a task candidate group such as district-12:inspector.');
    table.text('id').primary().comment('Role slug used in candidate groups.');
    table.text('name_fa').notNullable().comment('Persian name.');
    table.text('name_en').notNullable().comment('English name.');
  });
  await knex('roles').insert(roles);

  await knex.schema.createTable('staff', (table) => {
    table.comment('Municipal staff accounts.');
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')).comment('Account id.');
    table.text('username').notNullable().unique().comment('Sign-in name.');
    table.text('display_name').notNullable().comment('Name shown on tasks and timelines.');
    table.text('role_id').notNullable().references('roles.id').comment('What the person does.');
    table.integer('district_id').references('districts.id').comment('District the person works in; null for city-wide staff.');
    table.text('password_hash').notNullable().comment('scrypt hash of the password.');
    table.boolean('active').notNullable().defaultTo(true).comment('Whether the account may sign in.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When the account was made.');
  });

  await knex.schema.createTable('citizens', (table) => {
    table.comment('Citizens known by national code; created on first sign-in or first request.');
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')).comment('Citizen id.');
    table.string('national_code', 10).notNullable().unique().comment('کد ملی, 10 digits with a valid check digit.');
    table.string('mobile', 11).notNullable().comment('Mobile as 09XXXXXXXXX; one-time codes go here.');
    table.text('name').comment('Full name as given.');
    table.text('email').comment('Optional e-mail for notices.');
    table.string('postal_code', 10).comment('10-digit postal code of the home address.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('First seen.');
    table.index(['mobile']);
  });

  await knex.schema.createTable('requests', (table) => {
    table.comment('A citizen request for one service: the unit tracked, processed and rated.');
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')).comment('Request id; also the business key of its process instance.');
    table.text('tracking_code').notNullable().unique().comment('Code the citizen follows the request by.');
    table.text('service_id').notNullable().comment('Service slug from the catalogue (= BPMN process id).');
    table.integer('district_id').notNullable().references('districts.id').comment('District that handles the request.');
    table.text('channel').notNullable().comment('How it was filed: portal, call-centre or in-person.');
    table.text('status').notNullable().defaultTo('received').comment('Latest status milestone.');
    table.uuid('citizen_id').notNullable().references('citizens.id').comment('Who the request is for.');
    table.uuid('filed_by_staff_id').references('staff.id').comment('137 agent or clerk who filed it on the citizen\'s behalf.');
    table.jsonb('form').notNullable().defaultTo('{}').comment('Submitted start-form data.');
    table.text('idempotency_key').comment('Client-chosen key that makes a retried submit return this request.');
    table.text('process_instance_key').comment('Engine instance key; null until the instance is started (the start outbox).');
    table.text('outcome').comment('How it ended: approved, rejected, lapsed, cancelled, done.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When it was accepted.');
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Last change.');
    table.timestamp('closed_at', { useTz: true }).comment('When it was closed.');
    table.check("channel in ('portal', 'call-centre', 'in-person')", [], 'requests_channel_known');
    table.unique(['citizen_id', 'idempotency_key']);
    table.index(['district_id', 'service_id', 'created_at']);
  });
  await knex.raw('CREATE INDEX requests_unstarted ON requests (created_at) WHERE process_instance_key IS NULL');

  await knex.schema.createTable('request_events', (table) => {
    table.comment('The request timeline: status milestones and notable steps, newest last.');
    table.bigIncrements('id').comment('Order of recording.');
    table.uuid('request_id').notNullable().references('requests.id').onDelete('CASCADE').comment('The request.');
    table.text('kind').notNullable().comment('Milestone or event name, e.g. received, awaiting-payment, closed.');
    table.text('element_id').comment('BPMN element that recorded it.');
    table.text('dedupe_key').notNullable().comment('Makes a re-delivered job record once (process instance + element instance).');
    table.jsonb('data').notNullable().defaultTo('{}').comment('Details shown in the timeline.');
    table.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When it happened.');
    table.unique(['request_id', 'dedupe_key']);
  });

  await knex.schema.createTable('documents', (table) => {
    table.comment('Files attached to a request: no paper files.');
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')).comment('Document id.');
    table.uuid('request_id').notNullable().references('requests.id').onDelete('CASCADE').comment('The request.');
    table.text('kind').notNullable().comment('Required-document id from the catalogue, or photo, certificate.');
    table.text('filename').notNullable().comment('Original file name.');
    table.text('content_type').notNullable().comment('MIME type, checked on upload.');
    table.integer('size').notNullable().comment('Bytes.');
    table.string('sha256', 64).notNullable().comment('SHA-256 of the content, hex.');
    table.binary('content').notNullable().comment('The bytes; kept in PostgreSQL so backups hold everything.');
    table.uuid('uploaded_by').comment('Citizen or staff id that uploaded it.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Upload time.');
    table.index(['request_id']);
  });

  await knex.schema.createTable('payments', (table) => {
    table.comment('Fees charged through a bank gateway, in rials.');
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')).comment('Payment id; the gateway order id and the message correlation key.');
    table.uuid('request_id').notNullable().references('requests.id').comment('The request the fee is for.');
    table.text('business_key').notNullable().unique().comment('One payment per process element instance: a retried job never charges twice.');
    table.bigInteger('amount').notNullable().comment('Amount in rials.');
    table.text('status').notNullable().defaultTo('created').comment('created, pending, paid, failed, reversed.');
    table.text('gateway').notNullable().comment('Gateway name, e.g. sandbox.');
    table.text('gateway_token').comment('Token the gateway gave for this payment.');
    table.text('reference').comment('Bank reference (RRN) after verification.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Created.');
    table.timestamp('paid_at', { useTz: true }).comment('Verified and settled.');
    table.check('amount > 0', [], 'payments_amount_positive');
  });

  await knex.schema.createTable('appointments', (table) => {
    table.comment('In-person appointments at a district office.');
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()')).comment('Appointment id; correlation key of attended/missed messages.');
    table.uuid('request_id').notNullable().references('requests.id').comment('The request.');
    table.integer('district_id').notNullable().references('districts.id').comment('District whose office receives the citizen.');
    table.text('business_key').notNullable().unique().comment('One booking per process element instance.');
    table.timestamp('starts_at', { useTz: true }).notNullable().comment('Slot start.');
    table.timestamp('ends_at', { useTz: true }).notNullable().comment('Slot end.');
    table.text('status').notNullable().defaultTo('booked').comment('booked, cancelled, attended, missed.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Booked at.');
  });

  await knex.schema.createTable('user_tasks', (table) => {
    table.comment('Staff tasks: job-worker user tasks taken from the engine for the task list.');
    table.text('job_key').primary().comment('Engine job key; completing the task completes this job.');
    table.uuid('request_id').references('requests.id').comment('The request the task is about.');
    table.text('process_instance_key').notNullable().comment('Engine process instance.');
    table.text('element_id').notNullable().comment('BPMN user task id.');
    table.text('name').notNullable().comment('Task name shown to staff.');
    table.text('form_id').comment('Form to complete it with.');
    table.specificType('candidate_groups', 'text[]').notNullable().defaultTo('{}').comment('Groups that may claim it, e.g. district-12:clerk.');
    table.text('assignee').comment('Staff username who claimed it.');
    table.timestamp('due_at', { useTz: true }).comment('SLA due date.');
    table.timestamp('follow_up_at', { useTz: true }).comment('Follow-up date.');
    table.text('status').notNullable().defaultTo('open').comment('open, completed, cancelled.');
    table.jsonb('variables').notNullable().defaultTo('{}').comment('Variables the form shows.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Created.');
    table.timestamp('completed_at', { useTz: true }).comment('Completed.');
    table.text('completed_by').comment('Who completed it.');
  });
  await knex.raw('CREATE INDEX user_tasks_open ON user_tasks USING gin (candidate_groups) WHERE status = \'open\'');

  await knex.schema.createTable('notifications', (table) => {
    table.comment('Outbox of SMS and e-mail: written in the same transaction as the cause, sent by a worker.');
    table.bigIncrements('id').comment('Outbox order.');
    table.uuid('request_id').references('requests.id').comment('Request it is about, if any.');
    table.text('channel').notNullable().comment('sms or email.');
    table.text('recipient').notNullable().comment('Mobile or e-mail address.');
    table.text('template').notNullable().comment('Template id.');
    table.text('body').notNullable().comment('Rendered Persian text.');
    table.text('dedupe_key').notNullable().unique().comment('A retried job never sends twice.');
    table.text('status').notNullable().defaultTo('pending').comment('pending, sent, failed.');
    table.integer('attempts').notNullable().defaultTo(0).comment('Delivery attempts so far.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Queued.');
    table.timestamp('sent_at', { useTz: true }).comment('Handed to the provider.');
  });

  await knex.schema.createTable('ratings', (table) => {
    table.comment('Citizen satisfaction with a closed request.');
    table.uuid('request_id').primary().references('requests.id').comment('One rating per request.');
    table.smallint('score').notNullable().comment('1 (poor) to 5 (excellent).');
    table.text('comment').comment('Free text.');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Rated at.');
    table.check('score between 1 and 5', [], 'ratings_score_range');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'ratings', 'notifications', 'user_tasks', 'appointments', 'payments', 'documents',
    'request_events', 'requests', 'citizens', 'staff', 'roles', 'districts',
  ]) {
    await knex.schema.dropTable(table);
  }
}
