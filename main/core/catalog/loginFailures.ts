import type { Db } from '../db/sqlcipher';

export interface FailureState {
  failures: number;
  lockedUntil: number;
}

export class LoginFailures {
  constructor(private readonly db: Db) {}

  get(nameKey: string): FailureState {
    const row = this.db.prepare('SELECT failures, locked_until FROM login_failures WHERE name_key = ?').get(nameKey) as
      | { failures: number; locked_until: number }
      | undefined;
    return row ? { failures: row.failures, lockedUntil: row.locked_until } : { failures: 0, lockedUntil: 0 };
  }

  set(nameKey: string, state: FailureState, now: number): void {
    this.db
      .prepare(
        `INSERT INTO login_failures (name_key, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?)
         ON CONFLICT(name_key) DO UPDATE SET failures = excluded.failures,
           last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until`,
      )
      .run(nameKey, state.failures, now, state.lockedUntil);
  }

  clear(nameKey: string): void {
    this.db.prepare('DELETE FROM login_failures WHERE name_key = ?').run(nameKey);
  }
}
