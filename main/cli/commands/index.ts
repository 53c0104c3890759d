import { audit } from './audit';
import { breakGlass } from './breakGlass';
import { groups } from './groups';
import { importUsers } from './importUsers';
import type { Command } from './command';
import { invite } from './invite';
import { disable, enable, remove, unlock } from './manage';
import { policy } from './policy';
import { setup } from './setup';
import { users } from './users';

export const COMMANDS: readonly Command[] = [setup, invite, users, disable, enable, unlock, remove, audit, groups, importUsers, policy, breakGlass];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
