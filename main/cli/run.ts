/**
 * The command line's one entry, whoever starts it: `npm run cubby` (tsx, main/cli/cubby.ts) or
 * the app binary with `--cli` (main/electron/main.ts). Errors print as `error CODE: message`;
 * never a stack trace. Exit codes: 0 done, 1 refused or failed, 2 wrong usage, 130 interrupted.
 */
import { isCubbyError } from '../core/errors';
import { dataDirOf, parseCommandArgs, UsageError } from './args';
import { findCommand } from './commands/index';
import { commandHelp, globalHelp } from './help';
import { printError } from './output';
import { Interrupted, stdioPrompter } from './prompt';

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface CliHost {
  /** The data directory when neither --data-dir nor CUBBY_DATA_DIR names one (the packaged app's own). */
  defaultDataDir?: () => string;
  /** The keychain service to use; undefined means Cubby's own. */
  keychainService?: string;
}

async function main(argv: string[], host: CliHost): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] ? findCommand(rest[0]) : undefined;
    if (name === undefined) {
      process.stderr.write(globalHelp() + '\n');
      return EXIT.usage;
    }
    process.stdout.write((topic ? commandHelp(topic) : globalHelp()) + '\n');
    return EXIT.ok;
  }
  const command = findCommand(name);
  if (!command) throw new UsageError(`Unknown command '${name}'. Run 'cubby --help' for the list.`);
  let sub: string | undefined;
  if (command.subcommands && rest[0] !== undefined && !rest[0].startsWith('-')) {
    sub = rest.shift();
    if (!command.subcommands.includes(sub!)) {
      throw new UsageError(`Unknown '${command.name}' command '${sub}': use one of ${command.subcommands.join(', ')}.`);
    }
  }
  const values = parseCommandArgs(rest, command.options);
  if (values.help) {
    process.stdout.write(commandHelp(command) + '\n');
    return EXIT.ok;
  }
  if (command.subcommands) {
    if (!sub) throw new UsageError(`'${command.name}' needs one of: ${command.subcommands.join(', ')}.`);
    values.subcommand = sub;
  }
  const dataDir = command.usesDataDir === false ? '' : dataDirOf(values, host.defaultDataDir);
  const prompt = stdioPrompter();
  try {
    await command.run(values, { dataDir, prompt, keychainService: host.keychainService });
  } finally {
    prompt.close();
  }
  return EXIT.ok;
}

function report(e: unknown): number {
  if (e instanceof UsageError) {
    printError('USAGE', e.message);
    return EXIT.usage;
  }
  if (isCubbyError(e)) {
    printError(e.code, e.message);
    return EXIT.failed;
  }
  if (e instanceof Interrupted) {
    printError('INTERRUPTED', 'Cancelled. Nothing more was changed.');
    return EXIT.interrupted;
  }
  // Unexpected: name the kind of failure, never a stack trace.
  printError('INTERNAL', `Something went wrong (${e instanceof Error ? e.name : typeof e}).`);
  return EXIT.failed;
}

export function runCli(argv: string[], host: CliHost = {}): Promise<number> {
  return main(argv, host).catch(report);
}
