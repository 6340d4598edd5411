// Tells the page which form the selected user task links (zeebe:formDefinition),
// so the analyst can open that form in the form editor.
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

export default class LinkedForm {
  static $inject = ['eventBus'];

  constructor(eventBus) {
    this._eventBus = eventBus;
    this.current = null;
    const update = (element) => {
      const formId = element ? this.formIdOf(element) : null;
      this.current = formId ? { element, formId } : null;
      eventBus.fire('linkedForm.changed', { linked: this.current });
    };
    eventBus.on('selection.changed', ({ newSelection }) => update(newSelection.length === 1 ? newSelection[0] : null));
    // Linking a form in the properties panel changes the answer for the selected task.
    eventBus.on('elements.changed', ({ elements }) => {
      const selected = this.current?.element;
      if (selected && elements.includes(selected)) update(selected);
      else if (!selected && elements.length === 1 && is(elements[0], 'bpmn:UserTask')) update(elements[0]);
    });
  }

  formIdOf(element) {
    if (!is(element, 'bpmn:UserTask')) return null;
    const values = getBusinessObject(element).extensionElements?.values ?? [];
    return values.find((value) => is(value, 'zeebe:FormDefinition'))?.formId || null;
  }
}
