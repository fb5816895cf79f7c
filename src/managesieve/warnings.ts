// Owns: the warnings PUTSCRIPT and CHECKSCRIPT give with OK (WARNINGS) (RFC 5804 §1.3, §2.6): a
// script valid as written that will not do all it says here — a redirect past the server's limit
// (sieve.maxRedirects, announced as MAXREDIRECTS), named by its line, as RFC 5804's own example.
// Pure: a compiled script in, texts out.
import type { Op, Script } from '../core/sieve/validate.ts';

function redirects(ops: Op[], out: Op[]): Op[] {
  for (const op of ops) {
    if (op.name === 'redirect') out.push(op);
    if (op.block) redirects(op.block, out);
  }
  return out;
}

/** The warnings for a compiled script (empty when there are none). */
export function scriptWarnings(script: Script, maxRedirects: number): string[] {
  const all = redirects(script.commands, []);
  if (all.length <= maxRedirects) return [];
  const past = all[maxRedirects];
  return [`line ${past.line}: mỗi thư chỉ chuyển tiếp tối đa ${maxRedirects} lần, lệnh redirect này có thể bị bỏ qua / the server's redirect limit is ${maxRedirects}, this redirect might be ignored`];
}
