import type { secretsChannels } from '../../../preload/contract';
import { createSecret, deleteSecret, listSecrets, renameSecret, replaceSecret } from '../../core/vault/secrets';
import { own, type AreaHandlers } from './context';

/**
 * Write-only: values arrive here and go into the vault. Answers are summaries (the contract's
 * SecretSummary has no value field, and the router parses every answer against it).
 */
export const secretsHandlers: AreaHandlers<keyof typeof secretsChannels> = {
  'secrets.list': (_input, ctx) => listSecrets(own(ctx)),
  'secrets.create': (input, ctx) => createSecret(own(ctx), input),
  'secrets.replace': (input, ctx) => replaceSecret(own(ctx), input.id, { value: input.value, name: input.name }),
  'secrets.rename': (input, ctx) => renameSecret(own(ctx), input.id, input.name),
  'secrets.delete': (input, ctx) => {
    deleteSecret(own(ctx), input.id);
    return {};
  },
};
