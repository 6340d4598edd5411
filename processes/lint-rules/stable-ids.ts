// Element ids say what the element does (Task_ChargeFee), never what a modeler
// generated (Activity_0tw2fu0): workers, logs and the API's timeline quote them.
import { isFlowNode, type ModdleElement, type Reporter, type Rule } from './model.ts';

const prefixes = ['Start', 'End', 'Task', 'UserTask', 'Call', 'Gateway', 'Event', 'Timer', 'Catch', 'SubProcess', 'Flow', 'Message', 'Error'];
const readable = new RegExp(`^(?:${prefixes.join('|')})_[A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$`);
/** What bpmn-js generates: a type name, underscore, seven base-36 characters. */
const generated = /_[0-9][0-9a-z]{6}$/;

export default function stableIds(): Rule {
  return {
    check(node: ModdleElement, reporter: Reporter) {
      const named = isFlowNode(node) || ['bpmn:SequenceFlow', 'bpmn:Message', 'bpmn:Error'].includes(node.$type);
      if (!named || !node.id) return;
      if (generated.test(node.id)) reporter.report(node.id, 'شناسهٔ عنصر ساختگی به نظر می‌رسد؛ آن را به نام کاری که می‌کند بنامید، مانند Task_ChargeFee');
      else if (!readable.test(node.id)) reporter.report(node.id, `شناسهٔ عنصر باید با یکی از ${prefixes.join('، ')} و یک زیرخط آغاز شود و سپس به شکل PascalCase بیاید`);
    },
  };
}
