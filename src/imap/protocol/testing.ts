// Test support: a readable rendering of response values for comparisons — quoted strings with
// UTF-8 kept, NIL, space-separated lists (a run reads as list items: its wire spacing is
// serialize.ts's concern and tested there).
import type { ImapValue } from './value.ts';

export function wire(v: ImapValue): string {
  if (v === null) return 'NIL';
  if (typeof v === 'string') return `"${v.replace(/[\\"]/g, '\\$&')}"`;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `(${v.map(wire).join(' ')})`;
  if ('atom' in v) return v.atom;
  if ('run' in v) return v.run.map(wire).join(' ');
  if ('utf8' in v) return `"${v.utf8.replace(/[\\"]/g, '\\$&')}"`;
  return `{${v.literal.length}}`;
}
