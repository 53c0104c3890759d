import type { Command } from './commands/command';
import { COMMANDS } from './commands/index';

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'cubby: manage the accounts of a Cubby install from the command line.',
    '',
    'Usage: cubby <command> [options]',
    '       installed app: cubby (/usr/bin/cubby on Linux, the console wrapper on Windows),',
    '                      or <app binary> --cli <command> [options]',
    '       a checkout:    npm run cubby -- <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}   ${c.summary}`),
    '',
    'Data directory: --data-dir <dir>, else CUBBY_DATA_DIR, else (installed app only) the app\'s own',
    'for the OS account running the command. Run it as the OS account that uses Cubby.',
    'Passwords are read from a hidden prompt, or from stdin lines when stdin is not a terminal;',
    'never from arguments or the environment.',
    "Run 'cubby <command> --help' for a command's options.",
    '',
    'Exit codes: 0 done, 1 refused or failed (error CODE: message on stderr), 2 wrong usage,',
    '            130 cancelled (Ctrl-C at a prompt).',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  return [`Usage: ${c.usage}`, '', c.summary + '.', '', c.help].join('\n');
}
