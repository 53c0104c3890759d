import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

/** Options every command takes. */
const COMMON: Options = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** Secrets on the command line end up in shell history and `ps`; name the reason when someone tries. */
const SECRET_OPTION = /^--?(password|passwd|pass|pw|secret|recovery-key)(=|$)/i;

export function parseCommandArgs(argv: string[], options: Options): Values {
  const secret = argv.find((a) => SECRET_OPTION.test(a));
  if (secret) {
    throw new UsageError(
      `Unknown option '${secret.split('=')[0]}'. Passwords are never taken from the command line: Cubby asks for them, or reads them from stdin.`,
    );
  }
  try {
    return parseArgs({ args: argv, options: { ...COMMON, ...options }, strict: true, allowPositionals: false }).values as Values;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

export function requiredString(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.length === 0) throw new UsageError(`--${name} is required.`);
  return v;
}

export function optionalString(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function oneOf<T extends string>(values: Values, name: string, allowed: readonly T[], fallback?: T): T | undefined {
  const v = optionalString(values, name);
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of: ${allowed.join(', ')}.`);
  return v as T;
}

export function positiveInt(values: Values, name: string, max: number): number | undefined {
  const v = optionalString(values, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}.`);
  return n;
}

/**
 * --data-dir wins over CUBBY_DATA_DIR, which wins over the installed app's own data directory
 * (its userData folder for the OS account running the command). Outside the installed app
 * (npm run cubby) there is no default, so nobody provisions the wrong install by accident.
 */
export function dataDirOf(values: Values, fallback?: () => string): string {
  const dir = optionalString(values, 'data-dir') || process.env.CUBBY_DATA_DIR || fallback?.();
  if (!dir) throw new UsageError('No data directory: pass --data-dir <dir> or set CUBBY_DATA_DIR.');
  return resolve(dir);
}
