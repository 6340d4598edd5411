// A user task reaches the right staff and shows a form: candidate groups per
// district and role, and a linked form (formId, Camunda 8.5+), never formKey.
import { extension, type ModdleElement, type Reporter, type Rule } from './model.ts';

export default function userTaskContract(): Rule {
  return {
    check(node: ModdleElement, reporter: Reporter) {
      if (node.$type !== 'bpmn:UserTask') return;
      const assignment = extension(node, 'zeebe:AssignmentDefinition');
      const groups = assignment?.candidateGroups;
      if (typeof groups !== 'string' || !groups.trim()) reporter.report(node.id, 'User task must have candidate groups (zeebe:assignmentDefinition candidateGroups)');
      else if (groups.startsWith('=') && !/district/.test(groups) && !/Group\b/.test(groups)) {
        reporter.report(node.id, 'Candidate groups must be per district: "district-" + string(districtId) + ":<role>", or a group a worker computed');
      }
      const form = extension(node, 'zeebe:FormDefinition');
      if (!form || typeof form.formId !== 'string' || !form.formId) reporter.report(node.id, 'User task must link a form with zeebe:formDefinition formId');
      if (form && form.formKey) reporter.report(node.id, 'Use a linked form (formId), not formKey');
    },
  };
}
