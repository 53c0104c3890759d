import type { Command } from './commands/command';
import { COMMANDS } from './commands/index';

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'cubby: manage the accounts of a Cubby install from the command line.',
    '',
    'Usage: cubby <command> [options]     (npm run cubby -- <command> [options])',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}   ${c.summary}`),
    '',
    'Every command needs the data directory: --data-dir <dir>, or CUBBY_DATA_DIR.',
    'Passwords are read from a hidden prompt, or from stdin lines when stdin is not a terminal;',
    'never from arguments or the environment.',
    "Run 'cubby <command> --help' for a command's options.",
    '',
    'Exit codes: 0 done, 1 refused or failed (error CODE: message), 2 wrong usage.',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  return [`Usage: ${c.usage}`, '', c.summary + '.', '', c.help].join('\n');
}
