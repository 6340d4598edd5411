// Answers the properties panel's "select a template" request with a small list
// of the worker templates that apply to the selected element.

function domify(html) {
  const template = document.createElement('template');
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

export default class TemplateChooser {
  static $inject = ['eventBus', 'elementTemplates', 'canvas'];

  constructor(eventBus, elementTemplates, canvas) {
    this._elementTemplates = elementTemplates;
    this._container = canvas.getContainer();
    eventBus.on('elementTemplates.select', ({ element }) => this.open(element));
  }

  open(element) {
    const templates = this._elementTemplates.getLatest(element);
    const dialog = domify(`<div class="template-chooser" role="dialog"><div><h3>Worker templates</h3><ul></ul>
      <button type="button" class="close">Close</button></div></div>`);
    const list = dialog.querySelector('ul');
    if (templates.length === 0) list.append(domify('<li>No worker declares a job type for this element.</li>'));
    for (const template of templates) {
      const item = domify('<li></li>');
      item.textContent = template.name;
      item.title = template.description ?? template.id;
      item.addEventListener('click', () => {
        this._elementTemplates.applyTemplate(element, template);
        dialog.remove();
      });
      list.append(item);
    }
    dialog.querySelector('.close').addEventListener('click', () => dialog.remove());
    this._container.ownerDocument.body.append(dialog);
  }
}
