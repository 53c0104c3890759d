import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { DEFAULT_MACHINE_POLICY, MachinePolicySchema, POLICY_DEFS, POLICY_KEYS } from '../../main/core/policy/schema';
import { COMMENTED_IN_PROFILE, renderAdml, renderAdmx, renderMobileconfig, renderTemplates, TEMPLATE_FILES } from '../../main/core/policy/templates';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BUILT = join(REPO, 'build/policy');

// electron-builder's own YAML reader, as test/electron/builderConfig.test.ts uses it.
const require = createRequire(import.meta.url);
const yaml = require(require.resolve('js-yaml', { paths: [require.resolve('app-builder-lib')] })) as { load(text: string): unknown };

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['policy', 'string', 'presentation', 'key', 'item', 'category'].includes(name) });

function wellFormed(xml: string): void {
  const r = XMLValidator.validate(xml);
  expect(r === true ? true : r.err).toBe(true);
}

describe('the committed templates', () => {
  test('match what the schema generates (run `npm run policy:templates` after changing it)', () => {
    for (const [name, text] of Object.entries(renderTemplates())) {
      expect(readFileSync(join(BUILT, name), 'utf8'), `build/policy/${name} is stale`).toBe(text);
    }
  });

  test('ship in the packaged resources', () => {
    const config = yaml.load(readFileSync(join(REPO, 'electron-builder.yml'), 'utf8')) as { extraResources?: { from: string; to: string }[] };
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'build/policy', to: 'policy' }));
  });
});

describe('JSON schema', () => {
  test('names every policy with its default and description, and refuses unknown keys', () => {
    const schema = JSON.parse(renderTemplates()[TEMPLATE_FILES.jsonSchema]!) as { properties: Record<string, { default?: unknown; description?: string }>; additionalProperties: boolean };
    expect(schema.additionalProperties).toBe(false);
    for (const key of POLICY_KEYS) {
      expect(schema.properties[key], key).toMatchObject({ default: DEFAULT_MACHINE_POLICY[key], description: POLICY_DEFS[key].description });
    }
    expect(Object.keys(schema.properties).sort()).toEqual(['$schema', ...POLICY_KEYS].sort());
    // The schema and the runtime agree on what a file may hold.
    expect(MachinePolicySchema.safeParse({ minPasswordLength: 12 }).success).toBe(true);
  });
});

describe('ADMX/ADML', () => {
  const admx = renderAdmx();
  const adml = renderAdml();

  test('are well-formed XML', () => {
    wellFormed(admx);
    wellFormed(adml);
  });

  test('define every policy once, as a machine policy under HKLM\\Software\\Policies\\Cubby', () => {
    const policies = parser.parse(admx).policyDefinitions.policies.policy as Record<string, string>[];
    expect(policies.map((p) => p['@name'])).toEqual(POLICY_KEYS);
    for (const p of policies) {
      expect(p['@class']).toBe('Machine');
      expect(p['@key']).toBe('Software\\Policies\\Cubby');
    }
  });

  test('every string and presentation the ADMX names exists in the ADML, and every policy has its explanation', () => {
    const res = parser.parse(adml).policyDefinitionResources.resources;
    const strings = new Set((res.stringTable.string as Record<string, string>[]).map((s) => s['@id']));
    const presentations = new Set((res.presentationTable.presentation as Record<string, string>[]).map((p) => p['@id']));
    for (const [, id] of admx.matchAll(/\$\(string\.(\w+)\)/g)) expect(strings.has(id!), `string ${id}`).toBe(true);
    for (const [, id] of admx.matchAll(/\$\(presentation\.(\w+)\)/g)) expect(presentations.has(id!), `presentation ${id}`).toBe(true);
    for (const key of POLICY_KEYS) {
      expect(strings.has(key), key).toBe(true);
      expect(strings.has(`${key}_Explain`), key).toBe(true);
    }
    // Each element id in the ADMX is the refId of a control in its presentation.
    for (const [, id] of admx.matchAll(/<(?:decimal|enum|list|multiText) id="(\w+)"/g)) expect(adml).toContain(`refId="${id}"`);
  });
});

describe('.mobileconfig', () => {
  const text = renderMobileconfig();

  test('is a well-formed property list forcing the app’s managed preferences', () => {
    wellFormed(text);
    expect(text).toContain('<string>com.apple.ManagedClient.preferences</string>');
    expect(text).toContain('<key>Forced</key>');
    expect(text).toContain('<string>System</string>');
  });

  test('carries every policy: its default as a value, or a commented example where the default is “not set”', () => {
    const plist = parser.parse(text).plist.dict;
    const payload = plist.array.dict.dict.dict.array.dict.dict; // PayloadContent > domain > Forced > mcx_preference_settings
    const keys = payload.key as string[];
    expect(keys).toEqual(POLICY_KEYS.filter((k) => !COMMENTED_IN_PROFILE.includes(k)));
    expect(COMMENTED_IN_PROFILE).toEqual(['allowedProviderBaseUrls', 'recoveryEscrowPublicKey']);
    for (const k of COMMENTED_IN_PROFILE) expect(text).toMatch(new RegExp(`<!-- Not set by default\\. To set it:\\s+<key>${k}</key>`));
    // Integer policies are <integer>, switches <true/>/<false/>: the types plutil turns into JSON numbers and booleans.
    for (const k of POLICY_KEYS.filter((k) => POLICY_DEFS[k].type === 'integer')) {
      expect(text).toContain(`<key>${k}</key>\n                <integer>${DEFAULT_MACHINE_POLICY[k]}</integer>`);
    }
    for (const k of POLICY_KEYS.filter((k) => POLICY_DEFS[k].type === 'boolean')) {
      expect(text).toContain(`<key>${k}</key>\n                <${DEFAULT_MACHINE_POLICY[k]}/>`);
    }
  });
});
