// Messages are the contract's (processes/catalogue/contract.ts), each with its
// agreed correlation key; error codes are the shared constants.
import { errorCodes } from '../catalogue/errors.ts';
import { messageContracts } from '../catalogue/contract.ts';
import { extension, type ModdleElement, type Reporter, type Rule } from './model.ts';

const codes = Object.values(errorCodes) as string[];

export default function messageContract(): Rule {
  return {
    check(node: ModdleElement, reporter: Reporter) {
      if (node.$type === 'bpmn:Error') {
        if (!codes.includes(String(node.errorCode))) reporter.report(node.id, `کد خطای ${String(node.errorCode)} در processes/catalogue/errors.ts نیست`);
        return;
      }
      if (node.$type !== 'bpmn:Message') return;
      const contract = messageContracts.find((message) => message.name === node.name);
      if (!contract) {
        reporter.report(node.id, `پیام ${String(node.name)} در قرارداد (processes/catalogue/contract.ts) نیست`);
        return;
      }
      const key = extension(node, 'zeebe:Subscription')?.correlationKey;
      if (typeof key !== 'string' || !key) reporter.report(node.id, 'پیام باید کلید همبستگی داشته باشد (zeebe:subscription)');
      else if (key !== contract.correlationKey) reporter.report(node.id, `کلید همبستگی پیام ${contract.name} باید ${contract.correlationKey} باشد، نه ${key}`);
    },
  };
}
