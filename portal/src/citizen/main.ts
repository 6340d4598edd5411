// The citizen portal: routes to its pages and keeps the account links in the
// masthead current.
import { ApiError } from '../shared/api.ts';
import { button, errorSummary, h, show } from '../shared/elements.ts';
import { persianDigits } from '../shared/display.ts';
import { go, startRouter, type Route } from '../shared/router.ts';
import { api, citizen } from './session.ts';
import { cataloguePage } from './catalogue.ts';
import { servicePage } from './service-page.ts';
import { signInPage } from './sign-in.ts';
import { applyPage, checkAnswersPage, confirmationPage } from './apply.ts';
import { myRequestsPage, requestPage, trackPage } from './request-page.ts';

const main = document.getElementById('main')!;
const account = document.getElementById('account')!;

function drawAccount(): void {
  const me = citizen();
  account.replaceChildren(...(me
    ? [h('a', { href: '#/requests' }, 'درخواست‌های من'), h('span', {}, persianDigits(me.mobile)),
      button('خروج', () => { api.session = null; drawAccount(); go('#/'); }, 'secondary')]
    : [h('a', { href: '#/track' }, 'پیگیری'), h('a', { href: `#/sign-in?next=${encodeURIComponent(window.location.hash || '#/')}` }, 'ورود')]));
  account.querySelectorAll('button').forEach((element) => { element.className = ''; });
}

async function route({ path, query }: Route): Promise<void> {
  drawAccount();
  const [first, id, step, code] = path;
  if (!first) return cataloguePage(main, query);
  if (first === 'sign-in') return signInPage(main, query.get('next') ?? '#/');
  if (first === 'track') return trackPage(main);
  if (first === 'requests' && id) return requestPage(main, id, query);
  if (first === 'requests') return myRequestsPage(main);
  if (first === 'services' && id && !step) return servicePage(main, id);
  if (first === 'services' && id && step === 'apply') return applyPage(main, id);
  if (first === 'services' && id && step === 'check') return checkAnswersPage(main, id);
  if (first === 'services' && id && step === 'done' && code) return confirmationPage(main, id, code);
  show(main, 'صفحه پیدا نشد', h('h1', {}, 'صفحه پیدا نشد'), h('p', {}, h('a', { href: '#/' }, 'فهرست خدمات')));
}

function failed(error: unknown): void {
  const message = error instanceof ApiError ? error.messageFa : 'خطایی رخ داد؛ صفحه را دوباره باز کنید.';
  if (error instanceof ApiError && error.status === 404) {
    show(main, 'پیدا نشد', h('h1', {}, 'پیدا نشد'), h('p', {}, message), h('p', {}, h('a', { href: '#/' }, 'فهرست خدمات')));
    return;
  }
  console.error(error);
  show(main, 'خطا', h('h1', {}, 'متأسفیم، مشکلی پیش آمد'), errorSummary([{ message }]));
}

window.addEventListener('signed-in', drawAccount);
startRouter(route, failed);
