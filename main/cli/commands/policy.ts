import { isPackagedElectron, machinePolicySource, POLICY_FILE_ENV, resolvePolicy } from '../../core/policy/effective';
import { POLICY_KEYS } from '../../core/policy/schema';
import type { PolicyOrigin } from '../../core/policy/source';
import { notice, print, printJson, printTable } from '../output';
import type { Command } from './command';

function describeOrigin(origin: PolicyOrigin): string {
  return origin.kind === 'default' ? 'default' : `${origin.kind} ${origin.location}`;
}

function describeValue(value: unknown): string {
  if (value === null) return '(not set)';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  if (typeof value === 'string' && value.includes('\n')) return '(a PEM public key)';
  return String(value);
}

export const policy: Command = {
  name: 'policy',
  summary: 'Show the machine policy in force and where each value comes from',
  usage: 'cubby policy show [--json]',
  subcommands: ['show'],
  usesDataDir: false,
  options: { json: { type: 'boolean' } },
  help: [
    '  --json   print the values and their sources as JSON',
    '',
    'Reads the policy where this platform keeps it: /etc/cubby/policy.json (Linux; root-owned,',
    'not writable by group or others), HKLM\\Software\\Policies\\Cubby (Windows), or the forced',
    'managed preferences of app.cubby.desktop (macOS). Each value shows its source: default, or',
    'the file, registry key or managed preferences that set it. A policy that is there but not',
    'valid is an error (POLICY_INVALID): the app will not start until it is fixed.',
  ].join('\n'),

  async run(values) {
    const notices: string[] = [];
    const packaged = isPackagedElectron();
    const effective = resolvePolicy(machinePolicySource(!packaged), { error: (m) => notices.push(m) });
    if (values.json) {
      printJson({
        source: effective.source,
        notices: effective.notices,
        policies: Object.fromEntries(POLICY_KEYS.map((k) => [k, { value: effective.values[k], source: effective.origins[k] }])),
      });
      return;
    }
    if (!packaged && process.env[POLICY_FILE_ENV]) notice(`Reading ${POLICY_FILE_ENV} instead of this platform's policy (development only).`);
    print(`Policy source: ${effective.source.location}`);
    for (const n of effective.notices) print(`Note: ${n}`);
    print();
    printTable(
      ['POLICY', 'VALUE', 'SOURCE'],
      POLICY_KEYS.map((k) => [k, describeValue(effective.values[k]), describeOrigin(effective.origins[k])]),
    );
  },
};
