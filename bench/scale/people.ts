// The people of the scale run, through the balancer like browsers: citizens
// who sign in with their SMS code, file a resident parking permit, pay at the
// bank's page and wait for the permit; and district 12's clerk, who takes the
// document checks from the task list and accepts them. Every step survives an
// API process dying under it: a refused connection goes to another process,
// a dropped one is asked again (filing with the same Idempotency-Key,
// reading before acting again), as a phone on a bad line would.
import { randomUUID } from 'node:crypto';

export interface Answer { status: number; body: any; location?: string }

export interface Http {
  /** Requests asked again after a dropped connection or a 5xx. */
  retried: number;
  call(method: string, path: string, options?: { token?: string; body?: unknown; form?: string; headers?: Record<string, string>; client?: number }): Promise<Answer>;
}

export function http(base: string): Http {
  const stats = { retried: 0 };
  return {
    get retried() { return stats.retried; },
    async call(method, path, options = {}) {
      const url = path.startsWith('http') ? path : `${base}${path}`;
      const headers: Record<string, string> = { 'x-bench-client': String(options.client ?? 0), ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.body);
      } else if (options.form !== undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = options.form;
      }
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
          const text = await response.text();
          if (response.status >= 500 && attempt < 60) throw new Error(`${response.status}: ${text.slice(0, 200)}`);
          let parsed: unknown = text;
          try { parsed = JSON.parse(text); } catch { /* not JSON */ }
          return { status: response.status, body: parsed, location: response.headers.get('location') ?? undefined };
        } catch (error) {
          if (attempt >= 60) throw error;
          stats.retried++;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    },
  };
}

/** A valid national code (check digit and all) and a mobile number for citizen `n`. */
export function identity(n: number): { nationalCode: string; mobile: string } {
  const nine = String(100_000_000 + n * 7_919).slice(-9);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
  const remainder = sum % 11;
  return { nationalCode: nine + String(remainder < 2 ? remainder : 11 - remainder), mobile: `0912${String(3_000_000 + n).padStart(7, '0')}` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Filing { n: number; trackingCode: string; requestId: string; filedMs: number; closedMs?: number; outcome?: string }

/** One citizen's whole errand. Resolves when the request is closed. */
export async function citizenErrand(api: Http, n: number, deadline: number): Promise<Filing> {
  const { nationalCode, mobile } = identity(n);
  const started = Date.now();
  const sent = await api.call('POST', '/api/auth/citizen/code', { client: n, body: { nationalCode, mobile } });
  if (sent.status !== 202) throw new Error(`citizen ${n}: code answered ${sent.status} ${JSON.stringify(sent.body)}`);
  const session = await api.call('POST', '/api/auth/citizen/token', { client: n, body: { nationalCode, mobile, code: sent.body.developmentCode } });
  if (session.status !== 200) throw new Error(`citizen ${n}: token answered ${session.status} ${JSON.stringify(session.body)}`);
  const token = session.body.token as string;
  const form = {
    citizenName: `شهروند ${n}`, nationalCode, mobile, postalCode: String(9_100_000_000 + n),
    address: `مشهد، منطقه ۱۲، پلاک ${n}`, plateNumber: `${String(10 + (n % 89))} ب ${String(100 + (n % 899))} - ${String(10 + (n % 89))}`,
    vehicleModel: 'پراید', declaration: true,
  };
  // The same key however many times the answer is lost: one request.
  const key = randomUUID();
  const filed = await api.call('POST', '/api/requests', {
    client: n, token, headers: { 'idempotency-key': key }, body: { serviceId: 'resident-parking-permit', districtId: 12, form },
  });
  if (filed.status !== 201) throw new Error(`citizen ${n}: filing answered ${filed.status} ${JSON.stringify(filed.body)}`);
  const filing: Filing = { n, trackingCode: filed.body.trackingCode, requestId: filed.body.id, filedMs: Date.now() - started };

  for (;;) {
    if (Date.now() > deadline) throw new Error(`citizen ${n}: request ${filing.trackingCode} not closed in time`);
    const view = await api.call('GET', `/api/requests/${filing.trackingCode}`, { client: n, token });
    if (view.body.status === 'closed') {
      filing.closedMs = Date.now() - started;
      filing.outcome = view.body.outcome;
      return filing;
    }
    if (view.body.status === 'awaiting-payment') await pay(api, n, token, filing.trackingCode);
    await sleep(500);
  }
}

/** Pays what is due at the bank's page and comes back through our callback, as the browser would. */
async function pay(api: Http, n: number, token: string, trackingCode: string): Promise<void> {
  const payments = await api.call('GET', `/api/requests/${trackingCode}/payments`, { client: n, token });
  const due = (payments.body as Array<{ status: string; paymentUrl?: string }>).find((payment) => payment.status === 'pending' && payment.paymentUrl);
  if (!due) return;
  const bank = await api.call('POST', due.paymentUrl!, { client: n, form: 'action=pay' });
  if (bank.status !== 303 || !bank.location) return;
  // A lost callback is asked again: verifying twice is harmless.
  await api.call('GET', bank.location, { client: n });
}

/** The district 12 clerk: accepts the documents of every open document check, until told to stop. */
export async function clerkRounds(api: Http, token: () => Promise<string>, stop: () => boolean): Promise<number> {
  let accepted = 0;
  while (!stop()) {
    const staff = await token();
    const list = await api.call('GET', '/api/tasks?limit=200', { token: staff });
    const tasks = (Array.isArray(list.body) ? list.body : []) as Array<{ jobKey: string; elementId: string; assignee?: string | null }>;
    for (const task of tasks.filter((candidate) => candidate.elementId === 'UserTask_CheckDocuments')) {
      if (!task.assignee) {
        const claimed = await api.call('POST', `/api/tasks/${task.jobKey}/claim`, { token: staff });
        if (claimed.status !== 200) continue;
      }
      const done = await api.call('POST', `/api/tasks/${task.jobKey}/complete`, { token: staff, body: { variables: { documentDecision: 'accept' } } });
      if (done.status === 200) accepted++;
    }
    if (tasks.length === 0) await sleep(500);
  }
  return accepted;
}
