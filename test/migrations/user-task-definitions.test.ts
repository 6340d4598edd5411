// Migration 000700 moves the formKey header that user task rows kept in
// form_id into form_key, and back on the way down.
import t from 'tap';
import { createTestDatabase } from '../helpers/database.ts';

const name = '20261129000700_user_task_definitions.ts';

t.test('migration 000700 keeps form keys apart from form ids, up and down', async (t) => {
  const db = await createTestDatabase(t);
  const columns = async () => Object.keys(await db('user_tasks').columnInfo());
  const nameComment = async () => (await db.raw(`select col_description('user_tasks'::regclass, attnum) as comment from pg_attribute where attrelid = 'user_tasks'::regclass and attname = 'name'`)).rows[0].comment as string;

  // Given the schema just before it, with rows as the worker stored them then
  await db.migrate.down({ name });
  t.notOk((await columns()).includes('form_key'), 'down: no form_key column');
  t.equal(await nameComment(), 'Task name shown to staff.');
  const row = (jobKey: string, formId: string | null) => ({ job_key: jobKey, process_instance_key: '1', element_id: 'UserTask_Decide', name: 'UserTask_Decide', form_id: formId });
  await db('user_tasks').insert([row('1', '2251799813000123'), row('2', 'task-approval'), row('3', null)]);
  const state = async () => (await db('user_tasks').orderBy('job_key').select('job_key', 'form_id', ...((await columns()).includes('form_key') ? ['form_key'] : [])));

  // When it runs up
  await db.migrate.up({ name });
  t.same(await state(), [
    { job_key: '1', form_id: null, form_key: '2251799813000123' },
    { job_key: '2', form_id: 'task-approval', form_key: 'task-approval' },
    { job_key: '3', form_id: null, form_key: null },
  ], 'an engine key is a key, not a form id; a form id stays one');
  t.match(await nameComment(), /Persian name of the BPMN user task/);
  for (const column of ['process_definition_key', 'form_key', 'job_retries', 'checked_at', 'cancelled_at']) t.ok((await columns()).includes(column), `${column} added`);

  // And down again
  await db.migrate.down({ name });
  t.same(await state(), [
    { job_key: '1', form_id: '2251799813000123' },
    { job_key: '2', form_id: 'task-approval' },
    { job_key: '3', form_id: null },
  ], 'down puts the header back where the older code reads it');
  t.equal(await nameComment(), 'Task name shown to staff.');
  await db.migrate.up({ name });
});
