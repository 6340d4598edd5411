// Signing in with a one-time code: national code and mobile first, then the
// six digits from the SMS. Digits may be typed in Persian or ASCII.
import { ApiError, type Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { errorSummary, h, show } from '../shared/elements.ts';
import { normaliseInput, persianDigits } from '../shared/display.ts';
import { go } from '../shared/router.ts';
import { api } from './session.ts';

interface Field { input: HTMLInputElement; error: HTMLElement; wrapper: HTMLElement }

function field(id: string, label: string, hint: string, attributes: Record<string, string> = {}): Field {
  const error = h('span', { class: 'field-error', id: `${id}-error` });
  const input = h('input', { id, name: id, type: 'text', inputmode: 'numeric', dir: 'ltr', 'aria-describedby': `${id}-hint ${id}-error`, ...attributes });
  const wrapper = h('div', { class: 'field' }, h('label', { for: id }, label), h('span', { class: 'hint', id: `${id}-hint` }, hint), error, input);
  return { input, error, wrapper };
}

function showErrors(form: HTMLFormElement, fields: Record<string, Field>, messages: Map<string, string>, general?: string): void {
  form.querySelector('.error-summary')?.remove();
  for (const [key, entry] of Object.entries(fields)) {
    entry.error.textContent = messages.get(key) ?? '';
    entry.input.setAttribute('aria-invalid', messages.has(key) ? 'true' : 'false');
  }
  const items = [...messages].map(([key, message]) => ({ message, href: `#${key}` }));
  if (general) items.push({ message: general, href: '' });
  if (items.length === 0) return;
  const summary = errorSummary(items.map((item) => ({ message: item.message, href: item.href || undefined })));
  // Links inside the summary move focus to the field rather than changing the hash route.
  summary.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest('a');
    if (!link) return;
    event.preventDefault();
    document.getElementById(link.getAttribute('href')!.slice(1))?.focus();
  });
  form.prepend(summary);
  summary.focus();
}

export async function signInPage(main: HTMLElement, next: string): Promise<void> {
  const nationalCode = field('nationalCode', 'کد ملی', 'ده رقم، مانند ۰۰۱۳۵۴۲۴۱۹', { autocomplete: 'off', maxlength: '12' });
  const mobile = field('mobile', 'شماره تلفن همراه', 'کد ورود به این شماره پیامک می‌شود، مانند ۰۹۱۲۳۴۵۶۷۸۹', { type: 'tel', autocomplete: 'tel', maxlength: '14' });
  const code = field('code', 'کد ورود', 'شش رقمی که پیامک شد', { autocomplete: 'one-time-code', maxlength: '6' });
  const fields = { nationalCode, mobile, code };
  code.wrapper.hidden = true;
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'دریافت کد ورود');
  const sentNotice = h('p', { class: 'notice notice-success', role: 'status', hidden: true });
  const developmentNotice = h('div', { class: 'notice notice-development', id: 'development-code', hidden: true });
  let codeSent = false;

  const form = h('form', { novalidate: true }, nationalCode.wrapper, mobile.wrapper, sentNotice, developmentNotice, code.wrapper, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = {
      nationalCode: normaliseInput(nationalCode.input.value).replace(/[\s-]/g, ''),
      mobile: normaliseInput(mobile.input.value).replace(/[\s-]/g, ''),
      code: normaliseInput(code.input.value).trim(),
    };
    const messages = new Map<string, string>();
    if (!/^\d{8,10}$/.test(values.nationalCode)) messages.set('nationalCode', 'کد ملی را ده رقمی وارد کنید.');
    if (!/^(?:\+98|0098|0)?9\d{9}$/.test(values.mobile)) messages.set('mobile', 'شماره همراه را مانند ۰۹۱۲۳۴۵۶۷۸۹ وارد کنید.');
    if (codeSent && !/^\d{6}$/.test(values.code)) messages.set('code', 'کد شش‌رقمی پیامک‌شده را وارد کنید.');
    if (messages.size) return showErrors(form, fields, messages);
    submit.disabled = true;
    try {
      if (!codeSent) {
        const sent = await api.post<Answer<'/api/auth/citizen/code', 'post'>>(endpoints.citizenCode, { nationalCode: values.nationalCode, mobile: values.mobile });
        codeSent = true;
        showErrors(form, fields, new Map());
        sentNotice.textContent = `کد ورود به شماره ${persianDigits(values.mobile)} پیامک شد و تا ${persianDigits(Math.round(sent.expiresInSeconds / 60))} دقیقه معتبر است.`;
        sentNotice.hidden = false;
        // The API answers with the code only on a development machine (the demo seed), where no SMS goes out.
        if (sent.developmentCode) {
          developmentNotice.replaceChildren(
            h('strong', {}, 'کد آزمایشی — فقط در محیط توسعه'),
            h('p', {}, 'برای آزمودن سامانه بدون گوشی، کد ورود این است: ', h('span', { dir: 'ltr', class: 'development-code' }, persianDigits(sent.developmentCode))));
          developmentNotice.hidden = false;
        }
        code.wrapper.hidden = false;
        submit.textContent = 'ورود';
        code.input.focus();
      } else {
        const session = await api.post<Answer<'/api/auth/citizen/token', 'post'>>(endpoints.citizenToken, values);
        api.session = { token: session.token, citizen: session.citizen };
        window.dispatchEvent(new Event('signed-in'));
        go(next || '#/');
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const byField = error.fieldErrors();
      showErrors(form, fields, byField, byField.size ? undefined : error.messageFa);
    } finally {
      submit.disabled = false;
    }
  });

  show(main, 'ورود',
    h('h1', {}, 'ورود به حساب شهروندی'),
    h('p', {}, 'برای ثبت و پیگیری درخواست، با کد ملی و شماره همراه خود وارد شوید.'),
    form);
}
