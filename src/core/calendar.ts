// Owns: calendar arithmetic on instants (UTC): whole months and years forward or back, the day of
// the month kept or clamped to the month's last day (31 March − 1 month = 28/29 February). Used by
// the leaver's retention period (directory/retention.ts), retention policies and the journal's expiry.

/** `ms` moved by `months` calendar months (negative: back), in UTC, the day clamped to the target month. */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

/** The instant `years` calendar years before `ms` (29 February → 28 February). */
export function yearsBefore(ms: number, years: number): number {
  return addMonths(ms, -12 * years);
}
