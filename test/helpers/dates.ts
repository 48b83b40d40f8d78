const DAY_MS = 86_400_000;

/**
 * Dates for tests that book through the sync, relative to today so they never fall behind the sweep's
 * window or a room's own clash checks as the calendar moves on: `day(n)` is `n` days after a Monday two
 * to three weeks ahead (day(0) a Monday, day(1) a Tuesday, …), as YYYY-MM-DD (UTC).
 */
export function daysFromAMonthAhead(now = new Date()): (n: number) => string {
  const from = new Date(now.getTime() + 14 * DAY_MS);
  const monday = Date.UTC(
    from.getUTCFullYear(),
    from.getUTCMonth(),
    from.getUTCDate() + ((8 - from.getUTCDay()) % 7),
  );
  return (n) => new Date(monday + n * DAY_MS).toISOString().slice(0, 10);
}
