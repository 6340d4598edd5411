// What citizens do, through the API as the portal, the 137 desk and the
// counter do it: file, pay at the bank's page, correct what a clerk returned,
// keep, move or cancel an appointment, withdraw, rate. They act on the SMS
// messages the system sends them (the notifications outbox is their phone),
// after delays the demand model draws.
import { DateTime } from 'luxon';
import { IRAN_TIME_ZONE } from '../platform/persian.ts';
import type { Arrival } from './arrivals.ts';
import { expectStatus } from './api-client.ts';
import { fillForm, type FormSchema } from './forms.ts';
import type { Citizen } from './people.ts';
import type { Random } from './random.ts';
import { hour, minute, type FiledRequest, type Run } from './run.ts';

export interface Message { id: number; requestId: string; template: string }

interface AppointmentView { id: string; startsAt: string; status: string }

export function citizenActions(run: Run, schemas: Map<string, FormSchema>) {
  const { client, model, agenda } = run;
  const behaviour = model.citizens;
  const later = (request: FiledRequest, delayMs: number, label: string, act: () => Promise<void>) =>
    agenda.schedule(run.now() + Math.max(minute, delayMs), `${label} ${request.trackingCode}`, act);
  const hours = (random: Random, spread: { median: number; p90: number }) => random.logNormal(spread) * hour;
  const path = (request: FiledRequest, rest = '') => `/api/requests/${request.trackingCode}${rest}`;

  async function file(arrival: Arrival, index: number, citizen: Citizen, random: Random): Promise<void> {
    const schema = schemas.get(arrival.serviceId);
    if (!schema) return run.unexpected('no form schema', arrival.serviceId);
    const form = fillForm(schema, citizen, random, new Date(run.now()));
    const filer = arrival.channel === 'portal' ? citizen.token
      : random.pick(arrival.channel === 'call-centre' ? run.agents : run.clerks).token;
    const body = {
      serviceId: arrival.serviceId, districtId: run.district, form,
      ...(arrival.channel === 'portal' ? {} : { citizen: { nationalCode: citizen.nationalCode, mobile: citizen.mobile, name: citizen.name } }),
    };
    // The same key on a retry answers the same request: a lost answer never files twice.
    const answer = await client.call<{ id: string; trackingCode: string }>('POST', '/api/requests', { token: filer, body, headers: { 'idempotency-key': `simulation-${index}` } });
    if (answer.status !== 201) return run.unexpected(`filing ${arrival.serviceId} by ${arrival.channel}`, answer.body);
    const request: FiledRequest = {
      index, id: answer.body.id, trackingCode: answer.body.trackingCode, serviceId: arrival.serviceId, channel: arrival.channel, citizen,
      filedAt: run.now(), form, random, pays: random.chance(behaviour.payment.share), corrections: 0,
    };
    run.requests.set(request.id, request);
    run.count(`filed:${arrival.channel}`);
    if (random.chance(behaviour.withdraw.share)) later(request, hours(random, behaviour.withdraw.delayHours), 'withdraw', () => withdraw(request));
  }

  async function withdraw(request: FiledRequest): Promise<void> {
    const answer = await client.call('POST', path(request, '/cancel'), { token: request.citizen.token });
    if (answer.status === 409) return; // closed meanwhile
    expectStatus(answer, 'withdrawing', 200, 202);
    run.count('withdrawn');
  }

  /** At the bank's page (the sandbox gateway), then back through the callback, as a browser would go. */
  async function pay(request: FiledRequest): Promise<void> {
    const started = await client.call<{ redirectUrl: string }>('POST', path(request, '/payments'), { token: request.citizen.token, body: {} });
    if (started.status === 409) return run.count('payment:nothing-due');
    const { redirectUrl } = expectStatus(started, 'starting a payment', 200);
    const cancel = request.random.chance(behaviour.payment.cancelledAttempt);
    const bank = await client.call('POST', redirectUrl, { form: { action: cancel ? 'cancel' : 'pay' } });
    const callback = bank.headers.location;
    if (bank.status !== 303 || !callback) return run.unexpected('the bank page', bank.body);
    expectStatus(await client.call('GET', callback), 'the payment callback', 303);
    run.count(cancel ? 'payment:cancelled-at-bank' : 'payment:paid');
  }

  async function resubmit(request: FiledRequest): Promise<void> {
    const answer = await client.call('POST', path(request, '/resubmit'), { token: request.citizen.token, body: { form: request.form } });
    if (answer.status === 409) return;
    expectStatus(answer, 'resubmitting', 200, 202);
    run.count('resubmitted');
  }

  async function rate(request: FiledRequest): Promise<void> {
    const scores = behaviour.rating.scores;
    const score = request.random.pick([1, 2, 3, 4, 5], (value) => scores[value - 1]!);
    const answer = await client.call('POST', path(request, '/rating'), { token: request.citizen.token, body: { score } });
    if (answer.status === 409) return;
    expectStatus(answer, 'rating', 200, 201, 204);
    run.count('rated');
  }

  async function appointmentOf(request: FiledRequest): Promise<AppointmentView | undefined> {
    const answer = await client.call<AppointmentView>('GET', path(request, '/appointment'), { token: request.citizen.token });
    return answer.status === 200 ? answer.body : undefined;
  }

  /** The booking as it stands now; the counter records whether the citizen came when its time comes. */
  async function noteAppointment(request: FiledRequest): Promise<void> {
    const appointment = await appointmentOf(request);
    if (!appointment || appointment.status !== 'booked') return;
    const at = Date.parse(appointment.startsAt);
    request.appointmentAt = at;
    agenda.schedule(at + 5 * minute, `attendance ${request.trackingCode}`, () => attend(request, at));
    if (request.appointmentChanged) return;
    // Once per request: some citizens move their booking or cancel it and book again.
    const { move, cancel } = behaviour.appointment;
    const change = request.random.pick(['keep', 'move', 'cancel'] as const, (choice) => (choice === 'move' ? move : choice === 'cancel' ? cancel : 1 - move - cancel));
    if (change === 'keep') return;
    request.appointmentChanged = true;
    const when = run.now() + request.random.exponential(12 * hour);
    if (when > at - 2 * hour) return;
    agenda.schedule(when, `appointment ${change} ${request.trackingCode}`, () => (change === 'move' ? moveAppointment(request) : cancelAppointment(request)));
  }

  /** The first free slot on a day after the current booking, through GET …/appointment/slots. */
  async function laterSlot(request: FiledRequest): Promise<string | undefined> {
    const from = DateTime.fromMillis(Math.max(run.now(), request.appointmentAt ?? 0), { zone: IRAN_TIME_ZONE }).plus({ days: 1 });
    for (let day = 0; day < 14; day++) {
      const answer = await client.call<Array<{ id: string }>>('GET', path(request, `/appointment/slots?day=${from.plus({ days: day }).toISODate()}`), { token: request.citizen.token });
      if (answer.status !== 200) return undefined;
      if (answer.body.length > 0) return request.random.pick(answer.body).id;
    }
    return undefined;
  }

  async function moveAppointment(request: FiledRequest): Promise<void> {
    const slotId = await laterSlot(request);
    if (!slotId) return;
    const answer = await client.call('PUT', path(request, '/appointment'), { token: request.citizen.token, body: { slotId } });
    if (answer.status === 409) return;
    expectStatus(answer, 'moving an appointment', 200);
    run.count('appointment:moved');
  }

  async function cancelAppointment(request: FiledRequest): Promise<void> {
    const answer = await client.call('DELETE', path(request, '/appointment'), { token: request.citizen.token });
    if (answer.status === 409) return;
    expectStatus(answer, 'cancelling an appointment', 200);
    run.count('appointment:cancelled');
    // And books another within the two weeks the process waits.
    agenda.schedule(run.now() + request.random.exponential(24 * hour), `rebook ${request.trackingCode}`, () => rebook(request));
  }

  async function rebook(request: FiledRequest): Promise<void> {
    const slotId = await laterSlot(request);
    if (!slotId) return;
    const answer = await client.call('POST', path(request, '/appointment'), { token: request.citizen.token, body: { slotId } });
    if (answer.status === 409) return;
    expectStatus(answer, 'booking a chosen slot', 200, 201);
    run.count('appointment:rebooked');
  }

  /** A clerk at the counter records whether the citizen came, if the booking is still the one noted. */
  async function attend(request: FiledRequest, at: number): Promise<void> {
    if (request.appointmentAt !== at) return;
    const came = !request.random.chance(behaviour.appointment.noShow);
    const clerk = request.random.pick(run.clerks);
    const answer = await client.call('POST', path(request, '/appointment/attendance'), { token: clerk.token, body: { attended: came } });
    if (answer.status === 409 || answer.status === 404) return;
    expectStatus(answer, 'recording attendance', 200);
    run.count(came ? 'appointment:attended' : 'appointment:missed');
  }

  /** What a citizen does on reading one of the system's messages. */
  function hear(message: Message): void {
    const request = run.requests.get(message.requestId);
    if (!request) return;
    const { random } = request;
    switch (message.template) {
      case 'payment-requested':
        if (request.pays) later(request, hours(random, behaviour.payment.delayHours), 'pay', () => pay(request));
        return;
      case 'correction-requested':
        request.corrections++;
        if (random.chance(behaviour.resubmit.share)) later(request, hours(random, behaviour.resubmit.delayHours), 'resubmit', () => resubmit(request));
        return;
      case 'appointment-booked':
        later(request, minute, 'read appointment', () => noteAppointment(request));
        return;
      case 'request-completed':
      case 'request-rejected':
        if (random.chance(behaviour.rating.share)) later(request, random.exponential(12 * hour), 'rate', () => rate(request));
        return;
      default:
    }
  }

  return { file, hear };
}
