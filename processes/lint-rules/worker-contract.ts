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
          reporter.report(node.id, 'فراخوانی فرایند باید propagateAllChildVariables="false" داشته باشد و خروجی‌هایش را نگاشت کند');
        }
        return;
      }
      const definition = extension(node, 'zeebe:TaskDefinition');
      if (!definition) return;
      const type = String(definition.type);
      if (!jobTypes.includes(type)) {
        reporter.report(node.id, `نوع کار ${type} در قرارداد کارگزارها (processes/catalogue/contract.ts) نیست`);
        return;
      }
      if (type === 'request.status') {
        const status = headers(node).get('status');
        if (!status || !(requestStatuses as readonly string[]).includes(status)) reporter.report(node.id, `سرآیند status باید یکی از این‌ها باشد: ${requestStatuses.join('، ')}`);
      }
      if (type === 'notification.send') {
        const template = headers(node).get('template');
        if (!template || !(notificationTemplates as readonly string[]).includes(template)) reporter.report(node.id, `سرآیند template باید یکی از این‌ها باشد: ${notificationTemplates.join('، ')}`);
      }
      if (type === 'request.close') {
        const outcome = literal(inputs(node).get('outcome'));
        if (!outcome || !(requestOutcomes as readonly string[]).includes(outcome)) reporter.report(node.id, `ورودی outcome باید یکی از این‌ها باشد: ${requestOutcomes.join('، ')}`);
      }
    },
  };
}
