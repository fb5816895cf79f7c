// Owns: the validation messages of the configuration — unknown keys named with the nearest valid
// one (edit distance), zod's details in Vietnamese and English.
import { z } from 'zod';

const VI = z.locales.vi().localeError;
const EN = z.locales.en().localeError;

/** A zod issue in Vietnamese / English; a message the schema wrote itself (already bilingual) is kept. */
export function bilingual(issue: z.core.$ZodIssue): string {
  const en = messageOf(EN, issue);
  if (en !== undefined && en !== issue.message) return issue.message;
  const vi = messageOf(VI, issue);
  return vi && vi !== en ? `${vi} / ${en}` : issue.message;
}

function messageOf(map: z.core.$ZodErrorMap, issue: z.core.$ZodIssue): string | undefined {
  const r = map(issue as never);
  return typeof r === 'string' ? r : r?.message;
}

type Schema = z.core.$ZodType;

/** The object schema under defaults, prefaults and optionals, or null when it is not an object. */
function objectShape(schema: Schema): Record<string, Schema> | null {
  let s = schema as { _zod: { def: { type: string; innerType?: Schema; shape?: Record<string, Schema> } } };
  for (let i = 0; i < 10; i++) {
    const def = s._zod.def;
    if (def.type === 'object') return def.shape ?? null;
    if (!def.innerType) return null;
    s = def.innerType as typeof s;
  }
  return null;
}

/** One line per key of `value` that `schema` does not have, at every level of objects. */
export function unknownKeys(value: unknown, schema: Schema, prefix: string[] = []): string[] {
  const shape = objectShape(schema);
  if (!shape || !value || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: string[] = [];
  const valid = Object.keys(shape);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const at = [...prefix, k].join('.');
    if (k in shape) {
      out.push(...unknownKeys(v, shape[k], [...prefix, k]));
      continue;
    }
    const near = nearest(k, valid);
    const where = prefix.length ? prefix.join('.') : '(gốc/root)';
    out.push(
      near
        ? `  ${at}: khoá không có, có phải ý bạn là ${[...prefix, near].join('.')}? / unknown key, did you mean ${[...prefix, near].join('.')}?`
        : `  ${at}: khoá không có; các khoá của ${where} / unknown key; the keys of ${where}: ${valid.join(', ')}`,
    );
  }
  return out;
}

/** The valid key closest to `key` by edit distance (case-insensitive), if it is close enough to be a typo. */
export function nearest(key: string, valid: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = editDistance(key.toLowerCase(), v.toLowerCase());
    if (d < bestD) [best, bestD] = [v, d];
  }
  return bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
