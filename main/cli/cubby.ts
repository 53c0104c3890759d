/**
 * `npm run cubby -- <command>` (and the `cubby` bin of a checkout): the command line through
 * tsx. The installed app runs the same code through its own binary: `Cubby --cli <command>`.
 */
import { runCli } from './run';

process.exitCode = await runCli(process.argv.slice(2), { keychainService: process.env.CUBBY_KEYCHAIN_SERVICE });
