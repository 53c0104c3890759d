/**
 * `cubby` / `npm run cubby -- <command>`: account provisioning for IT, on the same core as the app.
 * Errors print as `error CODE: message` (exit 1), usage mistakes exit 2; never a stack trace.
 */
import { isCubbyError } from '../core/errors';
import { dataDirOf, parseCommandArgs, UsageError } from './args';
import { findCommand } from './commands/index';
import { commandHelp, globalHelp } from './help';
import { printError } from './output';
import { Interrupted, stdioPrompter } from './prompt';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] ? findCommand(rest[0]) : undefined;
    if (name === undefined) {
      process.stderr.write(globalHelp() + '\n');
      return 2;
    }
    process.stdout.write((topic ? commandHelp(topic) : globalHelp()) + '\n');
    return 0;
  }
  const command = findCommand(name);
  if (!command) throw new UsageError(`Unknown command '${name}'. Run 'cubby --help' for the list.`);
  const sub = command.subcommands && rest[0] && !rest[0].startsWith('-') ? rest.shift() : undefined;
  const values = parseCommandArgs(rest, command.options);
  if (values.help) {
    process.stdout.write(commandHelp(command) + '\n');
    return 0;
  }
  if (command.subcommands && (sub === undefined || !command.subcommands.includes(sub))) {
    throw new UsageError(`Usage: ${command.usage}`);
  }
  const prompt = stdioPrompter();
  try {
    await command.run({ ...values, subcommand: sub }, { dataDir: command.usesDataDir === false ? '' : dataDirOf(values), prompt });
  } finally {
    prompt.close();
  }
  return 0;
}

function report(e: unknown): number {
  if (e instanceof UsageError) {
    printError('USAGE', e.message);
    return 2;
  }
  if (isCubbyError(e)) {
    printError(e.code, e.message);
    return 1;
  }
  if (e instanceof Interrupted) {
    printError('INTERRUPTED', 'Cancelled. Nothing more was changed.');
    return 130;
  }
  // Unexpected: name the kind of failure, never a stack trace.
  printError('INTERNAL', `Something went wrong (${e instanceof Error ? e.name : typeof e}).`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2)).catch(report);
