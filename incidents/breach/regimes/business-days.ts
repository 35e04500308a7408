import { DateTime } from 'luxon';
import type { BusinessCalendar } from './regime-definition.ts';

/** The nth (1-based) given weekday (1 = Monday) of a month; n = -1 is the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): DateTime {
  if (n === -1) {
    const last = DateTime.utc(year, month, 1).endOf('month').startOf('day');
    return last.minus({ days: (last.weekday - weekday + 7) % 7 });
  }
  const first = DateTime.utc(year, month, 1);
  return first.plus({ days: ((weekday - first.weekday + 7) % 7) + 7 * (n - 1) });
}

/** Saturday holidays are observed the Friday before, Sunday holidays the Monday after (5 U.S.C. 6103(b)). */
function observed(day: DateTime): DateTime {
  if (day.weekday === 6) return day.minus({ days: 1 });
  if (day.weekday === 7) return day.plus({ days: 1 });
  return day;
}

const holidayCache = new Map<number, Set<string>>();

/** The U.S. federal holidays (5 U.S.C. 6103) observed in a year, as "yyyy-MM-dd". */
export function usFederalHolidays(year: number): Set<string> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const days: DateTime[] = [];
  for (const candidateYear of [year, year + 1]) {
    const fixed = (month: number, day: number) => observed(DateTime.utc(candidateYear, month, day));
    days.push(fixed(1, 1));
    if (candidateYear === year) {
      days.push(nthWeekday(year, 1, 1, 3)); // Birthday of Martin Luther King, Jr.
      days.push(nthWeekday(year, 2, 1, 3)); // Washington's Birthday
      days.push(nthWeekday(year, 5, 1, -1)); // Memorial Day
      if (year >= 2021) days.push(fixed(6, 19)); // Juneteenth National Independence Day
      days.push(fixed(7, 4));
      days.push(nthWeekday(year, 9, 1, 1)); // Labor Day
      days.push(nthWeekday(year, 10, 1, 2)); // Columbus Day
      days.push(fixed(11, 11)); // Veterans Day
      days.push(nthWeekday(year, 11, 4, 4)); // Thanksgiving Day
      days.push(fixed(12, 25));
    }
  }
  // New Year's Day on a Saturday is observed on December 31 of the year before.
  const result = new Set(days.filter((day) => day.year === year).map((day) => day.toISODate() ?? ''));
  holidayCache.set(year, result);
  return result;
}

export function isBusinessDay(day: DateTime, calendar: BusinessCalendar): boolean {
  if (day.weekday >= 6) return false;
  if (calendar === 'us-federal') return !usFederalHolidays(day.year).has(day.toISODate() ?? '');
  return true;
}

/** The local day `count` business days after the day of `start` (the start day itself never counts). */
export function addBusinessDays(start: DateTime, count: number, calendar: BusinessCalendar): DateTime {
  let day = start.startOf('day');
  let remaining = count;
  while (remaining > 0) {
    day = day.plus({ days: 1 });
    if (isBusinessDay(day, calendar)) remaining--;
  }
  return day;
}
