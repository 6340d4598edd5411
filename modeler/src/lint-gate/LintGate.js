// Keeps the latest bpmnlint findings of the open diagram so the page can tell
// the analyst why a deploy would be refused before the server says so.

/** Findings by element id, as bpmn-js-bpmnlint reports them. */
export default class LintGate {
  static $inject = ['eventBus'];

  constructor(eventBus) {
    this._eventBus = eventBus;
    this._issues = [];
    eventBus.on('linting.completed', ({ issues }) => {
      this._issues = Object.entries(issues).flatMap(([elementId, reports]) =>
        reports.map((report) => ({ elementId, rule: report.rule, message: report.message, category: report.category })));
      eventBus.fire('lintGate.changed', { errors: this.errors(), warnings: this.warnings() });
    });
  }

  errors() {
    return this._issues.filter((issue) => issue.category === 'error' || issue.category === 'rule-error');
  }

  warnings() {
    return this._issues.filter((issue) => issue.category === 'warn');
  }
}
