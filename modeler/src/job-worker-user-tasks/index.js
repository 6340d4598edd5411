// New user tasks are job-worker user tasks. camunda-bpmn-js-behaviors adds
// <zeebe:userTask/> to every user task created or replaced in the modeler,
// which makes it a Camunda user task: Zeebe 8.5+ runs those without a job, so
// the project's workers would never see it, and the embedded engine refuses
// it at deploy. This module, listed after the behaviours, replaces that one
// behaviour with nothing; the lint rule camunda-compat/no-zeebe-user-task
// (processes/.bpmnlintrc) still catches one chosen in the properties panel.
export default {
  createZeebeUserTaskBehavior: ['value', { disabled: 'new user tasks stay job-worker user tasks' }],
};
