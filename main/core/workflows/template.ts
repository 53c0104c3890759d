/**
 * Prompt and argument templates: `{{inputs.name}}` and `{{steps.N.output}}` (N counts from 1).
 *
 * Why not mustache: these are the only two forms, values are plain text (no HTML to escape, no
 * sections or partials), and an unknown reference must be an error the editor shows on save
 * rather than the empty string mustache renders. A single regex pass does that, and it never
 * expands text it inserted (a step output holding "{{inputs.x}}" stays as written).
 */
import { CubbyError } from '../errors';

const REF = /\{\{\s*(inputs\.([A-Za-z_][A-Za-z0-9_]*)|steps\.(\d{1,3})\.output)\s*\}\}/g;
const ANY_BRACES = /\{\{([^}]*)\}\}/g;

export interface TemplateScope {
  inputs: Record<string, string>;
  /** Outputs of the steps before this one, in order (index 0 is step 1). */
  stepOutputs: string[];
}

/** VALIDATION unless every `{{…}}` in `text` names a declared input or a step before `stepIndex`. */
export function checkTemplate(text: string, inputNames: readonly string[], stepIndex: number): void {
  for (const m of text.matchAll(ANY_BRACES)) {
    const ref = m[0];
    const known = [...ref.matchAll(REF)][0];
    if (!known || known[0] !== ref) throw new CubbyError('VALIDATION', `Step ${stepIndex + 1}: "${ref.slice(0, 60)}" is not an input or an earlier step's output.`);
    if (known[2] !== undefined && !inputNames.includes(known[2])) throw new CubbyError('VALIDATION', `Step ${stepIndex + 1}: there is no input named "${known[2]}".`);
    if (known[3] !== undefined) {
      const n = Number(known[3]);
      if (n < 1 || n > stepIndex) {
        throw new CubbyError(
          'VALIDATION',
          stepIndex === 0
            ? "Step 1 is the first step: there is no earlier step's output for it to use."
            : `Step ${stepIndex + 1} can use only the output of an earlier step (1 to ${stepIndex}).`,
        );
      }
    }
  }
}

export function renderTemplate(text: string, scope: TemplateScope): string {
  return text.replace(REF, (_all, _ref, input: string | undefined, step: string | undefined) =>
    input !== undefined ? ((Object.hasOwn(scope.inputs, input) ? scope.inputs[input] : undefined) ?? '') : (scope.stepOutputs[Number(step) - 1] ?? ''),
  );
}

/** Tool arguments: string values (also nested in arrays and objects) are rendered. */
export function renderArgs(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') return renderTemplate(value, scope);
  if (Array.isArray(value)) return value.map((v) => renderArgs(v, scope));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderArgs(v, scope)]));
  return value;
}

/** Every string inside a tool's arguments, for checkTemplate. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}
