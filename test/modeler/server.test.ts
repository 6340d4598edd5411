// The modeler's process routes against real PostgreSQL and the real engine
// over gRPC: saving keeps every version with its author, deploying is refused
// while lint errors remain, and new instances start the deployed version.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { reviewDiagram, reviewForm } from './fixtures.ts';
import { startModelerApi } from './helpers.ts';
import { findService } from '../../processes/catalogue/index.ts';

t.test('only analysts save; every version is kept with its author, newest first', async (t) => {
  const { app, analyst, clerk } = await startModelerApi(t);
  const id = 'street-lighting-repair';

  const anonymous = await app.inject({ method: 'PUT', url: `/api/processes/${id}`, payload: { xml: reviewDiagram(id) } });
  t.equal(anonymous.statusCode, 401, 'without a token');
  t.match(anonymous.json(), { status: 401, type: 'urn:shahrdari:problem:sign-in-required', detailFa: String }, 'as problem details');
  const byClerk = await app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: clerk, payload: { xml: reviewDiagram(id) } });
  t.equal(byClerk.statusCode, 403, 'a clerk may not save');

  const first = await app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: analyst, payload: { xml: reviewDiagram(id), comment: 'first draft' } });
  t.equal(first.statusCode, 201);
  t.match(first.json(), { version: { version: 1, author: 'maryam', comment: 'first draft', deployedAt: null }, lint: [] });
  const second = await app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: analyst, payload: { xml: reviewDiagram(id, { taskName: '' }) } });
  t.equal(second.statusCode, 201, 'a diagram with lint errors can still be saved as work in progress');
  t.match(second.json().lint, [{ rule: 'label-required', elementId: 'Task_Review', category: 'error' }]);

  const versions = await app.inject({ url: `/api/processes/${id}/versions` });
  t.same(versions.json().map((version: { version: number; author: string }) => [version.version, version.author]), [[2, 'maryam'], [1, 'maryam']]);
  t.ok(Date.parse(versions.json()[0].savedAt), 'with the time of saving');

  const latest = await app.inject({ url: `/api/processes/${id}` });
  t.equal(latest.json().source, 'saved');
  t.equal(latest.json().version.version, 2);
  t.match(latest.json().xml, 'name=""', 'the latest XML');
  const previous = await app.inject({ url: `/api/processes/${id}/versions/1` });
  t.match(previous.json().xml, 'Review the request', 'a previous version stays viewable');
  t.equal((await app.inject({ url: `/api/processes/${id}/versions/9` })).statusCode, 404);

  const list = await app.inject({ url: '/api/processes', headers: analyst });
  t.match(list.json(), { canEdit: true, user: 'maryam' });
  t.match(list.json().processes.find((entry: { id: string }) => entry.id === id), { id, name: 'درخواست آزمایشی', latestVersion: 2, deployedVersion: null }, 'named in Persian from the saved diagram');
  t.match((await app.inject({ url: '/api/processes', headers: clerk })).json(), { canEdit: false, user: null });
});

t.test('a save must be a diagram of the process it is saved as', async (t) => {
  const { app, analyst } = await startModelerApi(t);
  const other = await app.inject({ method: 'PUT', url: '/api/processes/tree-pruning', headers: analyst, payload: { xml: reviewDiagram('building-permit') } });
  t.equal(other.statusCode, 400);
  t.match(other.json(), { type: 'urn:shahrdari:problem:not-a-diagram', detail: /defines building-permit, not process tree-pruning/, detailFa: String });
  const garbage = await app.inject({ method: 'PUT', url: '/api/processes/tree-pruning', headers: analyst, payload: { xml: '<not-bpmn' } });
  t.equal(garbage.statusCode, 400);
  const badId = await app.inject({ method: 'PUT', url: '/api/processes/Not_A_Slug', headers: analyst, payload: { xml: reviewDiagram('x') } });
  t.equal(badId.statusCode, 400, 'ids are slugs');
});

t.test('deploy is refused with the lint errors while errors remain', async (t) => {
  const { app, zeebe, analyst, clerk } = await startModelerApi(t);
  const id = 'sidewalk-repair';
  await app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: analyst, payload: { xml: reviewDiagram(id, { condition: '=amount >' }) } });

  t.equal((await app.inject({ method: 'POST', url: `/api/processes/${id}/deploy`, headers: clerk })).statusCode, 403, 'a clerk may not deploy');
  const refused = await app.inject({ method: 'POST', url: `/api/processes/${id}/deploy`, headers: analyst });
  t.equal(refused.statusCode, 422);
  t.match(refused.json(), { status: 422, detail: 'Version 1 of sidewalk-repair has 1 lint error(s).', detailFa: String, lint: [{ rule: 'camunda-compat/feel', elementId: 'Flow_Large' }] });
  await t.rejects(zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} }), 'nothing reached the engine');
  t.equal((await app.inject({ method: 'POST', url: '/api/processes/never-saved/deploy', headers: analyst })).statusCode, 404);
});

t.test('a deployed version is the one new instances start', async (t) => {
  const { app, zeebe, analyst } = await startModelerApi(t);
  // Not a catalogue service: the review fixture keeps none of a service's promises.
  const id = 'bench-repair';
  const deploy = async () => app.inject({ method: 'POST', url: `/api/processes/${id}/deploy`, headers: analyst, payload: {} });

  await app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: analyst, payload: { xml: reviewDiagram(id) } });
  const first = await deploy();
  t.equal(first.statusCode, 200);
  t.match(first.json().version, { version: 1, deployedBy: 'maryam', engineVersion: 1 });

  await app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: analyst, payload: { xml: reviewDiagram(id, { condition: '=amount >= 5000' }) } });
  const second = await deploy();
  t.match(second.json().version, { version: 2, engineVersion: 2 });

  const started = await zeebe.createProcessInstance({ bpmnProcessId: id, variables: { amount: 7000 } });
  t.equal(started.version, 2, 'new instances start the newly deployed version');
  t.equal(String(started.processDefinitionKey), second.json().version.processDefinitionKey);

  const versions = (await app.inject({ url: `/api/processes/${id}/versions` })).json();
  t.match(versions, [{ version: 2, engineVersion: 2 }, { version: 1, engineVersion: 1 }]);
  const list = (await app.inject({ url: '/api/processes' })).json();
  t.match(list.processes.find((entry: { id: string }) => entry.id === id), { latestVersion: 2, deployedVersion: 2 });
});

t.test('a diagram nobody has saved yet opens from processes/', async (t) => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'modeler-repository-'));
  t.teardown(() => fs.rmSync(directory, { recursive: true, force: true }));
  fs.writeFileSync(path.join(directory, 'tree-pruning.bpmn'), reviewDiagram('tree-pruning', { name: 'هرس و قطع درخت' }));
  const { app, analyst } = await startModelerApi(t, directory);

  const list = (await app.inject({ url: '/api/processes' })).json();
  // tree-pruning is a catalogue service, so the list names it as the catalogue does, not as the file does.
  t.same(list.processes, [{ id: 'tree-pruning', name: findService('tree-pruning')!.name.fa, shared: false, inRepository: true, latestVersion: null, deployedVersion: null }]);
  const opened = await app.inject({ url: '/api/processes/tree-pruning' });
  t.equal(opened.statusCode, 200);
  t.match(opened.json(), { id: 'tree-pruning', source: 'repository', version: null, xml: 'هرس و قطع درخت' });
  t.equal((await app.inject({ url: '/api/processes/no-such-service' })).statusCode, 404);

  await app.inject({ method: 'PUT', url: '/api/processes/tree-pruning', headers: analyst, payload: { xml: opened.json().xml } });
  t.match((await app.inject({ url: '/api/processes/tree-pruning' })).json(), { source: 'saved', version: { version: 1 } }, 'once saved, the saved version opens');
});

t.test('forms saved in the modeler are deployed with the diagram that links them', async (t) => {
  const { app, zeebe, analyst, clerk } = await startModelerApi(t);
  const formId = 'street-lighting-findings';
  const put = (headers: Record<string, string>, schema: string, id = formId) => app.inject({ method: 'PUT', url: `/api/processes/forms/${id}`, headers, payload: { schema } });

  t.equal((await put(clerk, reviewForm(formId))).statusCode, 403, 'a clerk may not save a form');
  t.equal((await put(analyst, reviewForm('other-form'))).statusCode, 400, 'the form id is its name');
  t.equal((await put(analyst, '{"id":')).statusCode, 400, 'not JSON');
  t.equal((await app.inject({ url: `/api/processes/forms/${formId}` })).statusCode, 404);
  t.match((await put(analyst, reviewForm(formId))).json(), { id: formId, version: 1, author: 'maryam' });
  t.match((await app.inject({ url: `/api/processes/forms/${formId}` })).json(), { id: formId, source: 'saved', version: 1, schema: 'Findings' });

  const id = 'street-lighting-repair';
  await app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: analyst, payload: { xml: reviewDiagram(id, { formId }) } });
  const deployed = await app.inject({ method: 'POST', url: `/api/processes/${id}/deploy`, headers: analyst, payload: {} });
  t.equal(deployed.statusCode, 200, deployed.body);
  t.same(deployed.json().forms, [{ formId, version: 1, engineVersion: 1 }]);
  const started = await zeebe.createProcessInstance({ bpmnProcessId: id, variables: { amount: 1 } });
  t.equal(started.version, 1, 'the process with its linked form runs');
});

t.test('a diagram the engine refuses is a 422 with its reason, like a lint error', async (t) => {
  // Rules switched off, so only the engine judges the diagram.
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'modeler-no-rules-'));
  t.teardown(() => fs.rmSync(directory, { recursive: true, force: true }));
  fs.writeFileSync(path.join(directory, '.bpmnlintrc'), JSON.stringify({ rules: {} }));
  const { app, analyst } = await startModelerApi(t, directory);
  const id = 'tree-pruning';
  const xml = reviewDiagram(id).replace('<bpmn:task id="Task_Review"', '<bpmn:serviceTask id="Task_Review"').replace('</bpmn:task>', '</bpmn:serviceTask>');
  t.equal((await app.inject({ method: 'PUT', url: `/api/processes/${id}`, headers: analyst, payload: { xml } })).statusCode, 201);
  const refused = await app.inject({ method: 'POST', url: `/api/processes/${id}/deploy`, headers: analyst, payload: {} });
  t.equal(refused.statusCode, 422, refused.body);
  t.match(refused.json(), { status: 422, detail: /^The engine refused version 1 of tree-pruning: /, detailFa: String, lint: [] });
  t.match((await app.inject({ url: `/api/processes/${id}/versions` })).json(), [{ version: 1, deployedAt: null }], 'not recorded as deployed');
});
