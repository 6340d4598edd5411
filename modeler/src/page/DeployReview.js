// The review before a deployment: what the saved version changes against the
// one running now (the server says it in Persian), the forms that go with
// it, and an optional comment. The analyst confirms or goes back.
import { persianDateTime, persianNumber } from './format.js';

function againstText(against) {
  if (against.source === 'modeler') {
    return `در برابر نسخهٔ ${persianNumber(against.version)} که اکنون اجرا می‌شود (نسخهٔ موتور ${persianNumber(against.engineVersion)}، `
      + `مستقرشده به دست ${against.deployedBy} در ${persianDateTime(against.deployedAt)})`;
  }
  if (against.source === 'repository') return 'در برابر نسخهٔ مخزن (پوشهٔ processes) که هنگام راه‌اندازی مستقر شده است';
  return 'نخستین استقرار این فرایند است';
}

export default class DeployReview {
  /** `onShow(elementId)` brings an element of the canvas into view. */
  constructor(dialog, onShow) {
    this.dialog = dialog;
    this.onShow = onShow;
    this.resolve = null;
    dialog.querySelector('#review-confirm').addEventListener('click', () => this.close({ comment: dialog.querySelector('#review-comment').value.trim() }));
    dialog.querySelector('#review-cancel').addEventListener('click', () => this.close(null));
    // Escape closes the dialog: the same as going back.
    dialog.addEventListener('cancel', () => this.close(null));
  }

  /** Shows the review; resolves with `{ comment }` when confirmed, null when the analyst goes back. */
  confirm(review) {
    const $ = (selector) => this.dialog.querySelector(selector);
    $('#review-title').textContent = `بازبینی پیش از استقرار نسخهٔ ${persianNumber(review.version)}`;
    $('#review-against').textContent = againstText(review.against);
    $('#review-count').textContent = review.changes.length
      ? `${persianNumber(review.changes.length)} تغییر:`
      : 'تغییری نسبت به نسخهٔ در حال اجرا نیست.';
    $('#review-changes').replaceChildren(...review.changes.map((change) => {
      const item = document.createElement('li');
      item.dataset.kind = change.kind;
      item.dataset.elementId = change.elementId;
      item.textContent = change.fa;
      if (change.kind !== 'removed') {
        item.tabIndex = 0;
        item.title = 'نمایش در نمودار';
        item.addEventListener('click', () => this.onShow(change.elementId));
      }
      return item;
    }));
    $('#review-forms').textContent = review.forms.length
      ? `همراه آن این فرم‌ها مستقر می‌شوند: ${review.forms.map((form) => `\u2068${form.formId}\u2069 (نسخهٔ ${persianNumber(form.version)})`).join('، ')}`
      : '';
    $('#review-comment').value = '';
    this.dialog.showModal();
    return new Promise((resolve) => { this.resolve = resolve; });
  }

  close(answer) {
    if (this.dialog.open) this.dialog.close();
    this.resolve?.(answer);
    this.resolve = null;
  }
}
