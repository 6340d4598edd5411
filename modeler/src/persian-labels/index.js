// Replaces bpmn-js's `translate` with Persian labels (./labels.js). Numbers in
// replacements (the lint badge's counts) are shown in Persian digits.
import labels from './labels.js';

const persianDigits = (text) => String(text).replace(/[0-9]/g, (digit) => '۰۱۲۳۴۵۶۷۸۹'[Number(digit)]);

export function translate(template, replacements = {}) {
  const text = labels[template] ?? template;
  return text.replace(/{([^}]+)}/g, (placeholder, key) => (key in replacements ? persianDigits(replacements[key]) : placeholder));
}

export default {
  translate: ['value', translate],
};
