// bpmnlint with processes/.bpmnlintrc (recommended + Camunda 8.6) and the
// project's rules in processes/lint-rules/: every diagram passes; broken
// diagrams are caught by the rule that protects the contract they break.
import fs from 'node:fs';
import t from 'tap';
import { listDiagrams } from '../../processes/diagrams.ts';
import { lintConfig, lintProcessDiagram } from '../../processes/lint.ts';

// Linting 62 diagrams takes ~10 s of CPU; leave room for a busy machine.
t.setTimeout(300_000);

t.test('the configuration targets Camunda 8.6 and adds the project rules', async (t) => {
  const config = lintConfig();
  t.ok(config.extends.includes('bpmnlint:recommended'));
  t.ok(config.extends.includes('plugin:camunda-compat/camunda-cloud-8-6'));
  t.ok(config.extends.includes('plugin:shahrdari/recommended'));
});

t.test('every committed diagram passes without a report', { timeout: 280_000 }, async (t) => {
  for (const diagram of listDiagrams()) {
    const reports = await lintProcessDiagram(fs.readFileSync(diagram.file, 'utf8'));
    t.same(reports.map((report) => `${report.rule} ${report.elementId}: ${report.message}`), [], diagram.id);
  }
});

const original = fs.readFileSync(listDiagrams().find((diagram) => diagram.id === 'building-permit')!.file, 'utf8');
const documentCheck = fs.readFileSync(listDiagrams().find((diagram) => diagram.id === 'document-check')!.file, 'utf8');

async function rulesHit(xml: string): Promise<string[]> {
  return [...new Set((await lintProcessDiagram(xml)).map((report) => report.rule))];
}

t.test('a generated id is reported', async (t) => {
  const broken = original.replaceAll('Task_ComputeDueDate', 'Activity_0tw2fu0');
  t.ok((await rulesHit(broken)).includes('shahrdari/stable-ids'));
});

t.test('a job type no worker registers is reported', async (t) => {
  const broken = original.replace('type="sla.due-date"', 'type="sla.compute"');
  t.ok((await rulesHit(broken)).includes('shahrdari/worker-contract'));
});

t.test('a status outside the timeline vocabulary is reported', async (t) => {
  const broken = original.replace('key="status" value="received"', 'key="status" value="done"');
  t.ok((await rulesHit(broken)).includes('shahrdari/worker-contract'));
});

t.test('a message with another correlation key is reported', async (t) => {
  const broken = original.replace('correlationKey="=requestId"', 'correlationKey="=trackingCode"');
  t.ok((await rulesHit(broken)).includes('shahrdari/message-contract'));
});

t.test('a user task without candidate groups or a linked form is reported', async (t) => {
  const noGroups = documentCheck.replace(/ candidateGroups="[^"]*"/, '');
  t.ok((await rulesHit(noGroups)).includes('shahrdari/user-task-contract'));
  const noForm = documentCheck.replace(/<zeebe:formDefinition formId="[^"]*" \/>/, '');
  t.ok((await rulesHit(noForm)).includes('shahrdari/user-task-contract'));
});

t.test('a Camunda user task (zeebe:userTask) is an error: the engine and the workers run job-worker user tasks', async (t) => {
  const camunda = documentCheck.replace(/(<bpmn:userTask id="[^"]*"[^>]*>\s*<bpmn:extensionElements>)/, '$1<zeebe:userTask />');
  t.not(camunda, documentCheck, 'the fixture has a user task');
  const reports = (await lintProcessDiagram(camunda)).filter((report) => report.rule === 'camunda-compat/no-zeebe-user-task');
  t.equal(reports.length, 1);
  t.equal(reports[0]!.category, 'error');
});

t.test('an unknown error code is reported', async (t) => {
  const broken = documentCheck.replace('errorCode="REQUEST_REJECTED"', 'errorCode="REJECTED"');
  t.ok((await rulesHit(broken)).includes('shahrdari/message-contract'));
});

t.test("the project's rules report in Persian, with ids and expressions as written", async (t) => {
  const broken = original.replaceAll('Task_ComputeDueDate', 'Activity_0tw2fu0').replace('type="notification.send"', 'type="sms.send"')
    .replace('correlationKey="=requestId"', 'correlationKey="=trackingCode"');
  const reports = (await lintProcessDiagram(broken)).filter((report) => report.rule.startsWith('shahrdari/'));
  t.same([...new Set(reports.map((report) => report.rule))].sort(), ['shahrdari/message-contract', 'shahrdari/stable-ids', 'shahrdari/worker-contract']);
  for (const report of reports) t.match(report.message, /[\u0600-\u06FF]/, `${report.rule}: ${report.message}`);
  t.ok(reports.some((report) => report.message.includes('sms.send')), 'the job type as written');
});
