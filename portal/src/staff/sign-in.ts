// Staff sign in with username and password (accounts carry role and district).
import { ApiError, type Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { errorSummary, h, show } from '../shared/elements.ts';
import { go } from '../shared/router.ts';
import { api } from './session.ts';

export async function signInPage(main: HTMLElement, next: string): Promise<void> {
  const username = h('input', { id: 'username', name: 'username', type: 'text', autocomplete: 'username', dir: 'ltr', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', dir: 'ltr', required: true });
  const problems = h('div', {});
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'ورود');
  const form = h('form', { novalidate: true },
    problems,
    h('label', { for: 'username' }, 'نام کاربری'), username,
    h('label', { for: 'password' }, 'گذرواژه'), password,
    h('div', {}, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!username.value || !password.value) {
      problems.replaceChildren(errorSummary([{ message: 'نام کاربری و گذرواژه را وارد کنید.' }]));
      return (problems.firstElementChild as HTMLElement).focus();
    }
    submit.disabled = true;
    try {
      const session = await api.post<Answer<'/api/auth/staff/token', 'post'>>(endpoints.staffToken, { username: username.value.trim(), password: password.value });
      api.session = { token: session.token, staff: session.staff };
      window.dispatchEvent(new Event('signed-in'));
      go(next || '#/');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      problems.replaceChildren(errorSummary([{ message: error.messageFa }]));
      (problems.firstElementChild as HTMLElement).focus();
    } finally {
      submit.disabled = false;
    }
  });
  show(main, 'ورود کارکنان', h('h1', {}, 'ورود کارکنان'), form);
}
