// Server-side linting uses processes/.bpmnlintrc when it exists, the
// recommended and Camunda 8 rules otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { blockingIssues, defaultLintConfig, lintDiagram, projectRulesModule, readLintConfig } from '../../domain/process-design/lint.ts';
import { processesDirectory } from '../../platform/deployment.ts';
import { reviewDiagram } from './fixtures.ts';

function emptyProcesses(t: { teardown(fn: () => unknown): void }): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'modeler-lint-'));
  t.teardown(() => fs.rmSync(directory, { recursive: true, force: true }));
  return directory;
}

t.test('without a project configuration the recommended and Camunda 8 rules apply', async (t) => {
  const directory = emptyProcesses(t);
  t.same(readLintConfig(directory), defaultLintConfig);
  t.same(await lintDiagram(reviewDiagram('x'), directory), [], 'a clean diagram');
  t.match(await lintDiagram(reviewDiagram('x', { condition: '=amount >' }), directory), [
    { rule: 'camunda-compat/feel', elementId: 'Flow_Large', category: 'error' },
  ]);
  t.match(await lintDiagram('<bpmn:definitions', directory), [{ rule: 'parse', category: 'error' }], 'unreadable XML is an error, not a crash');
});

t.test('processes/.bpmnlintrc decides the rules', async (t) => {
  const directory = emptyProcesses(t);
  fs.writeFileSync(path.join(directory, '.bpmnlintrc'), JSON.stringify({
    extends: ['bpmnlint:recommended'],
    rules: { 'label-required': 'warn' },
  }));
  const issues = await lintDiagram(reviewDiagram('x', { taskName: '', condition: '=amount >' }), directory);
  t.match(issues, [{ rule: 'label-required', category: 'warn' }], 'no Camunda rule, and the label rule only warns');
  t.same(blockingIssues(issues), [], 'warnings do not block a deployment');
});

t.test("the project's own rules in processes/lint-rules/ apply too", async (t) => {
  t.ok(projectRulesModule(processesDirectory), 'processes/lint-rules/index.ts is there');
  const unknownJob = reviewDiagram('x').replace('<bpmn:task id="Task_Review" name="Review the request">',
    '<bpmn:serviceTask id="Task_Review" name="Review the request"><bpmn:extensionElements><zeebe:taskDefinition type="nobody.works-on-this" /></bpmn:extensionElements>')
    .replace('</bpmn:task>', '</bpmn:serviceTask>');
  t.match(await lintDiagram(unknownJob), [{ rule: 'shahrdari/worker-contract', elementId: 'Task_Review', category: 'error' }],
    'a job type no worker declares is an error');
});
