// ISO 8601 timer values as Zeebe reads them: timeDate (a date-time),
// timeDuration (a duration from now) and timeCycle (R[n]/[start/]duration).
import { DateTime, Duration } from 'luxon';

export interface TimerSchedule {
  dueAt: number;
  /** Repetitions still to come after this one (-1 = unbounded); cycles only. */
  repetitions?: number;
  interval?: string;
}

function durationMs(text: string): number | string {
  const duration = Duration.fromISO(text);
  if (!duration.isValid) return `'${text}' is not an ISO 8601 duration`;
  return duration.toMillis();
}

/** Latest instant a JavaScript Date (and so the engine) can hold, year 275760. */
export const latestInstant = 8.64e15;

/** Schedule of a timer value, or a reason it is invalid (also when it falls beyond the dates the engine can hold). */
export function timerSchedule(type: 'timeDate' | 'timeDuration' | 'timeCycle', value: string, now = Date.now()): TimerSchedule | string {
  const schedule = scheduleOf(type, value.trim(), now);
  if (typeof schedule !== 'string' && !(Math.abs(schedule.dueAt) <= latestInstant)) {
    return `'${value.trim()}' falls beyond the dates the engine can hold (year 275760)`;
  }
  return schedule;
}

/** The form toISOString writes (the workers' due dates and reminders): read without luxon when it is exactly that date. */
const toISOStringForm = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
function utcMillis(text: string): number | null {
  if (!toISOStringForm.test(text)) return null;
  const ms = Date.parse(text);
  // Date.parse rolls 30 February over into March; luxon refuses it: only an exact round trip is taken.
  return Number.isFinite(ms) && new Date(ms).toISOString() === text ? ms : null;
}

function scheduleOf(type: 'timeDate' | 'timeDuration' | 'timeCycle', text: string, now: number): TimerSchedule | string {
  if (type === 'timeDate') {
    const fast = utcMillis(text);
    if (fast !== null) return { dueAt: fast };
    const date = DateTime.fromISO(text, { setZone: true });
    if (!date.isValid) return `'${text}' is not an ISO 8601 date-time`;
    return { dueAt: date.toMillis() };
  }
  if (type === 'timeDuration') {
    const ms = durationMs(text);
    return typeof ms === 'string' ? ms : { dueAt: now + ms };
  }
  const parts = text.split('/');
  const repeat = /^R(\d*)$/.exec(parts[0] ?? '');
  if (!repeat || parts.length < 2 || parts.length > 3) {
    return `'${text}' is not an ISO 8601 repeating interval (R[n]/[start/]duration); cron cycles are not supported`;
  }
  const count = repeat[1] === '' ? -1 : Number(repeat[1]);
  const interval = parts[parts.length - 1]!;
  const ms = durationMs(interval);
  if (typeof ms === 'string') return ms;
  if (ms <= 0) return `cycle interval '${interval}' must be positive`;
  let first = now + ms;
  if (parts.length === 3) {
    const start = DateTime.fromISO(parts[1]!, { setZone: true });
    if (!start.isValid) return `'${parts[1]}' is not an ISO 8601 date-time`;
    first = start.toMillis();
  }
  if (count === 0) return `cycle '${text}' never fires`;
  return { dueAt: first, repetitions: count === -1 ? -1 : count - 1, interval };
}

/** Validation of a static (non-expression) timer value: undefined when fine. */
export function parseTimerLiteral(type: 'timeDate' | 'timeDuration' | 'timeCycle', value: string): string | undefined {
  const result = timerSchedule(type, value);
  return typeof result === 'string' ? result : undefined;
}

/** The next due time of a cycle, or null when it would fall beyond the dates the engine can hold. */
export function nextCycle(dueAt: number, interval: string): number | null {
  const next = dueAt + Duration.fromISO(interval).toMillis();
  return Math.abs(next) <= latestInstant ? next : null;
}
