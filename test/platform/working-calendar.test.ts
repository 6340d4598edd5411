// Working-day arithmetic on the Tehran calendar, against dates counted by hand.
import t from 'tap';
import { addWorkingDays } from '../../platform/working-calendar.ts';

t.test('addWorkingDays counts Tehran calendar days from the day after filing', async (t) => {
  const due = (start: string, days: number, holidays: string[] = []) => addWorkingDays(new Date(start), days, new Set(holidays)).toISOString();
  // Wednesday 2 December 2026, 10:00 in Tehran: Thursday counts half, Friday nothing,
  // Saturday is a holiday, then Sunday, Monday and Tuesday full; due at Tuesday's 14:30.
  t.equal(due('2026-12-02T06:30:00Z', 3, ['2026-12-05']), '2026-12-08T11:00:00.000Z');
  t.equal(due('2026-12-02T06:30:00Z', 0.5), '2026-12-03T08:30:00.000Z', 'half a day ends at Thursday\'s noon close');
  // 00:30 on Thursday in Tehran is still Wednesday in UTC: counting begins on Friday, a day off.
  t.equal(due('2026-12-02T21:00:00Z', 0.5), '2026-12-05T11:00:00.000Z');
  t.equal(due('2026-12-02T20:29:00Z', 0.5), '2026-12-03T08:30:00.000Z', 'a minute before midnight in Tehran: Thursday is the first day');
  // Across the Persian new year's holidays and a month end.
  t.equal(due('2027-03-18T05:00:00Z', 2, ['2027-03-20', '2027-03-21', '2027-03-22', '2027-03-23', '2027-03-24']), '2027-03-28T11:00:00.000Z');
});
