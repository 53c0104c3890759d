import type { Options, Values } from '../args';
import type { CliContext } from '../context';

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full help text after the usage line. */
  readonly help: string;
  readonly usage: string;
  readonly options: Options;
  /** Words that must follow the name (`groups add`, `policy show`); the one given arrives as values.subcommand. */
  readonly subcommands?: readonly string[];
  run(values: Values, ctx: CliContext): Promise<void>;
  /** False for a command that never opens an install: it needs no data directory. */
  readonly usesDataDir?: boolean;
}

export const DATA_DIR_HELP = "  --data-dir <dir>   Cubby data directory (default: $CUBBY_DATA_DIR, else the installed app's own)";
export const ADMIN_PASSWORD_HELP =
  "The admin's password is asked for on the terminal (hidden), or read as the first line of stdin when stdin is not a terminal.";
