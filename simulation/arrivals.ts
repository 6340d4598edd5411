// When requests arrive, for which service, by which channel: drawn for the
// whole run from the demand model before it starts, so the same seed files the
// same requests whatever the system does with them.
import { DateTime } from 'luxon';
import { IRAN_TIME_ZONE } from '../platform/persian.ts';
import { officeHoursOn } from '../platform/working-calendar.ts';
import type { Channel, Service } from '../processes/catalogue/index.ts';
import type { DemandModel } from './demand.ts';
import type { Random } from './random.ts';

export interface Arrival { at: number; serviceId: string; channel: Channel }

/** Weekday factors of a channel relative to its own weekly mean, so weekdays shape a week without changing its total. */
function normalisedWeekdays(weights: Record<number, number>): Record<number, number> {
  const mean = [1, 2, 3, 4, 5, 6, 7].reduce((sum, day) => sum + (weights[day] ?? 0), 0) / 7;
  return Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((day) => [day, mean > 0 ? (weights[day] ?? 0) / mean : 0]));
}

/** Requests filed on `days` days from `start` (a Tehran midnight), in time order. */
export function planArrivals(model: DemandModel, offered: Service[], start: Date, days: number, holidays: Set<string>, random: Random): Arrival[] {
  const services = offered.filter((service) => (model.services[service.id] ?? 0) > 0);
  const perDay = (model.requestsPerMonth * 12) / 365;
  const weekdays = Object.fromEntries(Object.entries(model.weekdays).map(([channel, weights]) => [channel, normalisedWeekdays(weights)])) as Record<Channel, Record<number, number>>;
  const arrivals: Arrival[] = [];
  for (let index = 0; index < days; index++) {
    const day = DateTime.fromJSDate(start, { zone: IRAN_TIME_ZONE }).startOf('day').plus({ days: index });
    const holiday = holidays.has(day.toISODate()!);
    const office = officeHoursOn(day, holidays);
    /** How likely a channel is today, relative to its share. */
    const today = (channel: Channel) => {
      if (channel === 'in-person') return office ? weekdays[channel][day.weekday]! : 0;
      return weekdays[channel][day.weekday]! * (holiday ? 0.6 : 1);
    };
    const volume = (Object.keys(model.channels) as Channel[]).reduce((sum, channel) => sum + model.channels[channel] * today(channel), 0);
    const count = random.poisson(perDay * volume);
    for (let n = 0; n < count; n++) {
      const service = random.pick(services, (candidate) => model.services[candidate.id]!);
      const channels = service.channels.filter((channel) => today(channel) > 0);
      if (channels.length === 0) continue;
      const channel = random.pick(channels, (candidate) => model.channels[candidate] * today(candidate));
      const hours = model.hours[channel].map((weight, hour) => {
        if (channel !== 'in-person') return weight;
        // The counter takes people only while the office is open.
        const at = day.set({ hour, minute: 30 });
        return office && at >= office.opens && at < office.closes ? weight : 0;
      });
      const hour = random.pick(hours.map((_, h) => h), (h) => hours[h]!);
      const at = day.set({ hour, minute: random.int(0, 59), second: random.int(0, 59) });
      arrivals.push({ at: at.toMillis(), serviceId: service.id, channel });
    }
  }
  return arrivals.sort((a, b) => a.at - b.at);
}
