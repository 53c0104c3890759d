import type { AccessLevel } from '../../bridge/types';
import { ACCESS_LEVELS, highestGrantable, levelRank } from '../../../../main/core/sharing/levels';

/** How each level reads in badges and pickers. */
export const LEVEL_LABELS: Record<AccessLevel, string> = {
  view: 'Can view',
  use: 'Can use',
  edit: 'Can edit',
  share: 'Can share',
  manage: 'Manages',
};

/** What each level adds, for the level picker's hint. */
export const LEVEL_HINTS: Record<AccessLevel, string> = {
  view: 'sees its name and description',
  use: 'chats with it, never sees its instructions or key',
  edit: 'changes its instructions and model',
  share: 'gives others view or use',
  manage: 'anything: access at every level, limits, usage, delete',
};

/** The levels someone at `mine` may hand out (share: view and use; manage: all). */
export function grantableLevels(mine: AccessLevel): AccessLevel[] {
  const top = highestGrantable(mine);
  return top ? ACCESS_LEVELS.filter((l) => levelRank(l) <= levelRank(top)) : [];
}

export const canGrant = (mine: AccessLevel, level: AccessLevel): boolean => grantableLevels(mine).includes(level);
