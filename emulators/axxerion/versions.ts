/**
 * What reports see of one object: every committed version with the instant it becomes visible. A report
 * reads the newest version already visible, so a write shows only after its delay, and a later write
 * that became visible first hides an earlier one that is still on its way. `null` is a hard delete.
 */
export class Versions<T> {
  private versions: { visibleAt: number; value: T | null }[] = [];

  push(visibleAt: number, value: T | null): void {
    this.versions.push({ visibleAt, value });
  }

  /** The value visible at `at`, or undefined when none is (not yet written, or deleted). */
  at(at: number): T | undefined {
    for (let index = this.versions.length - 1; index >= 0; index -= 1) {
      const version = this.versions[index];
      if (version !== undefined && version.visibleAt <= at) return version.value ?? undefined;
    }
    return undefined;
  }

  /** Forgets versions hidden by one visible at `before` (no report looks back further than that). */
  prune(before: number): void {
    for (let index = this.versions.length - 1; index > 0; index -= 1) {
      const version = this.versions[index];
      if (version !== undefined && version.visibleAt <= before) {
        this.versions = this.versions.slice(index);
        return;
      }
    }
  }
}
