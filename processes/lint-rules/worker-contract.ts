// Service tasks name job types the workers register (processes/catalogue/contract.ts),
// with the header or input each worker needs, and call activities pass only
// what they map, so a called process never leaks variables into its caller.
import { jobTypes, notificationTemplates, requestOutcomes, requestStatuses } from '../catalogue/contract.ts';
import { extension, headers, inputs, literal, type ModdleElement, type Reporter, type Rule } from './model.ts';

export default function workerContract(): Rule {
  return {
    check(node: ModdleElement, reporter: Reporter) {
      if (node.$type === 'bpmn:CallActivity') {
        const called = extension(node, 'zeebe:CalledElement');
        if (called && called.propagateAllChildVariables !== false) {
          reporter.report(node.id, 'Call activity must set propagateAllChildVariables="false" and map its outputs');
        }
        return;
      }
      const definition = extension(node, 'zeebe:TaskDefinition');
      if (!definition) return;
      const type = String(definition.type);
      if (!jobTypes.includes(type)) {
        reporter.report(node.id, `Job type ${type} is not in the worker contract (processes/catalogue/contract.ts)`);
        return;
      }
      if (type === 'request.status') {
        const status = headers(node).get('status');
        if (!status || !(requestStatuses as readonly string[]).includes(status)) reporter.report(node.id, `Header status must be one of ${requestStatuses.join(', ')}`);
      }
      if (type === 'notification.send') {
        const template = headers(node).get('template');
        if (!template || !(notificationTemplates as readonly string[]).includes(template)) reporter.report(node.id, `Header template must be one of ${notificationTemplates.join(', ')}`);
      }
      if (type === 'request.close') {
        const outcome = literal(inputs(node).get('outcome'));
        if (!outcome || !(requestOutcomes as readonly string[]).includes(outcome)) reporter.report(node.id, `Input outcome must be one of ${requestOutcomes.join(', ')}`);
      }
    },
  };
}
