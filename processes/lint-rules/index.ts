// The project's bpmnlint rules, as a plugin object bpmnlint's Linter can use
// through a resolver (see processes/lint.ts). Rules take no configuration.
import cataloguePromises from './catalogue-promises.ts';
import messageContract from './message-contract.ts';
import stableIds from './stable-ids.ts';
import userTaskContract from './user-task-contract.ts';
import workerContract from './worker-contract.ts';
import type { Rule } from './model.ts';

export const rules: Record<string, () => Rule> = {
  'stable-ids': stableIds,
  'user-task-contract': userTaskContract,
  'worker-contract': workerContract,
  'message-contract': messageContract,
  'catalogue-promises': cataloguePromises,
};

export const configs = {
  recommended: { rules: Object.fromEntries(Object.keys(rules).map((name) => [name, 'error'])) },
};
