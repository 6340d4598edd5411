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
        if (!codes.includes(String(node.errorCode))) reporter.report(node.id, `Error code ${String(node.errorCode)} is not in processes/catalogue/errors.ts`);
        return;
      }
      if (node.$type !== 'bpmn:Message') return;
      const contract = messageContracts.find((message) => message.name === node.name);
      if (!contract) {
        reporter.report(node.id, `Message ${String(node.name)} is not in the contract (processes/catalogue/contract.ts)`);
        return;
      }
      const key = extension(node, 'zeebe:Subscription')?.correlationKey;
      if (typeof key !== 'string' || !key) reporter.report(node.id, 'Message must have a correlation key (zeebe:subscription)');
      else if (key !== contract.correlationKey) reporter.report(node.id, `Message ${contract.name} is correlated by ${contract.correlationKey}, not ${key}`);
    },
  };
}
