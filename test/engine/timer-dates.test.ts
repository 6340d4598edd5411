// A timer date in the form toISOString writes (the workers' due dates) is read
// without luxon (engine/model/timers.ts); it must mean exactly what luxon
// reads, and anything luxon refuses stays refused.
import t from 'tap';
import { DateTime } from 'luxon';
import { timerSchedule } from '../../engine/model/timers.ts';

t.test('timer dates read without luxon are the instants luxon reads', async (t) => {
  const dates = [
    '2026-12-04T06:30:00.000Z', '2026-12-04T23:59:59.999Z', '2028-02-29T12:00:00.000Z', '1970-01-01T00:00:00.000Z', '0001-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z', '2026-02-29T00:00:00.000Z', '2026-02-30T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-13-01T00:00:00.000Z',
    '2026-12-04T24:00:00.000Z', '2026-12-04T23:60:00.000Z', '2026-12-04T23:59:60.000Z', '2026-12-04T06:30:00.000+03:30', '2026-12-04T06:30:00Z',
  ];
  for (const text of dates) {
    const luxon = DateTime.fromISO(text, { setZone: true });
    const schedule = timerSchedule('timeDate', text);
    if (luxon.isValid) t.same(schedule, { dueAt: luxon.toMillis() }, text);
    else t.type(schedule, 'string', `${text} is refused, as luxon refuses it`);
  }
});
