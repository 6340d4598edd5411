// A user task reaches the right staff and shows a form: candidate groups per
// district and role, and a linked form (formId, Camunda 8.5+), never formKey.
import { extension, type ModdleElement, type Reporter, type Rule } from './model.ts';

export default function userTaskContract(): Rule {
  return {
    check(node: ModdleElement, reporter: Reporter) {
      if (node.$type !== 'bpmn:UserTask') return;
      const assignment = extension(node, 'zeebe:AssignmentDefinition');
      const groups = assignment?.candidateGroups;
      if (typeof groups !== 'string' || !groups.trim()) reporter.report(node.id, 'وظیفهٔ کارکنان باید گروه‌های مسئول داشته باشد (zeebe:assignmentDefinition candidateGroups)');
      else if (groups.startsWith('=') && !/district/.test(groups) && !/Group\b/.test(groups)) {
        reporter.report(node.id, 'گروه‌های مسئول باید به تفکیک منطقه باشند: "district-" + string(districtId) + ":<role>"، یا گروهی که یک کارگزار محاسبه کرده است');
      }
      const form = extension(node, 'zeebe:FormDefinition');
      if (!form || typeof form.formId !== 'string' || !form.formId) reporter.report(node.id, 'وظیفهٔ کارکنان باید با zeebe:formDefinition formId به فرمی پیوند داشته باشد');
      if (form && form.formKey) reporter.report(node.id, 'فرم پیوندشده (formId) به کار ببرید، نه formKey');
    },
  };
}
