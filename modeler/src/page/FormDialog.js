// The form-js editor in a dialog, for the form a user task links. A form not
// yet in processes/forms/ starts empty with the linked id.
import { FormEditor } from '@bpmn-io/form-js-editor';
import { ApiError } from '../api.js';
import { persianNumber } from './format.js';

export default class FormDialog {
  constructor(dialog, api, say) {
    this.dialog = dialog;
    this.api = api;
    this.say = say;
    this.editor = null;
    dialog.querySelector('#form-save').addEventListener('click', () => this.save().catch((error) => say(error.message, true)));
    dialog.querySelector('#form-close').addEventListener('click', () => this.close());
  }

  async open(formId) {
    let schema;
    try {
      schema = JSON.parse((await this.api.form(formId)).schema);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      schema = { id: formId, type: 'default', components: [] };
    }
    this.formId = formId;
    this.dialog.querySelector('#form-title').textContent = formId;
    this.dialog.hidden = false;
    this.editor = new FormEditor({ container: this.dialog.querySelector('#form-editor') });
    await this.editor.importSchema(schema);
  }

  async save() {
    const schema = this.editor.saveSchema();
    const saved = await this.api.saveForm(this.formId, JSON.stringify(schema, null, 2));
    this.say(`فرم ${this.formId} نسخه ${persianNumber(saved.version)} ذخیره شد؛ با استقرار فرایند مستقر می‌شود`);
  }

  close() {
    this.editor?.destroy();
    this.editor = null;
    this.dialog.hidden = true;
  }
}
