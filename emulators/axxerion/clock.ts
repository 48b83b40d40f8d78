/**
 * The tenant's clock: the real clock plus the profile's skew plus whatever a test advanced it by. Every
 * stamp (UpdateTime, import-log times) and every delay (processing, visibility) is read from it, so
 * advancing it makes queued items due and delayed rows visible at once.
 */
export class Clock {
  private advancedMs = 0;

  constructor(private readonly skewMs: () => number) {}

  now(): number {
    return Date.now() + this.skewMs() + this.advancedMs;
  }

  advance(ms: number): void {
    this.advancedMs += ms;
  }

  describe(): { now: string; skewMs: number; advancedMs: number } {
    return { now: new Date(this.now()).toISOString(), skewMs: this.skewMs(), advancedMs: this.advancedMs };
  }

  reset(): void {
    this.advancedMs = 0;
  }
}
