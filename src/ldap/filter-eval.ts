// Evaluating a search filter on one entry, with LDAP's three-valued logic (RFC 4511 4.5.1.7):
// TRUE, FALSE or Undefined (unknown attribute types, extensibleMatch). Values are compared in
// their folded form, so `(cn=*dang*)` finds "Đặng" and `(sn=nguyen)` finds "Nguyễn".
import { ANR_KEYS, attributeKey, normalizeValue } from './attributes.ts';
import type { LdapEntry } from './entry.ts';
import type { Filter } from './protocol/filter.ts';

/** true, false, or undefined for Undefined. */
export type Tri = boolean | undefined;

/** A filter compiled once per search: assertion values are folded once, not once per entry. */
export type CompiledFilter = (e: LdapEntry) => Tri;

/** Whether the entry is returned: only a TRUE filter selects it. */
export function matchesFilter(f: Filter | CompiledFilter, e: LdapEntry): boolean {
  return (typeof f === 'function' ? f : compileFilter(f))(e) === true;
}

export function compileFilter(f: Filter): CompiledFilter {
  switch (f.type) {
    case 'and': {
      const parts = f.filters.map(compileFilter);
      return (e) => {
        let result: Tri = true;
        for (const p of parts) {
          const r = p(e);
          if (r === false) return false;
          if (r === undefined) result = undefined;
        }
        return result;
      };
    }
    case 'or': {
      const parts = f.filters.map(compileFilter);
      return (e) => {
        let result: Tri = false;
        for (const p of parts) {
          const r = p(e);
          if (r === true) return true;
          if (r === undefined) result = undefined;
        }
        return result;
      };
    }
    case 'not': {
      const inner = compileFilter(f.filter);
      return (e) => {
        const r = inner(e);
        return r === undefined ? undefined : !r;
      };
    }
    case 'present': {
      const key = attributeKey(f.attribute);
      if (key === null || key === 'anr') return () => false;
      return (e) => e.attrs.has(key);
    }
    case 'extensible':
      return () => undefined;
    default: {
      const key = attributeKey(f.attribute);
      if (key === null) return () => undefined;
      if (key === 'anr') return anr(f);
      const test = valueTest(f, key);
      return (e) => {
        const values = e.normalized(key);
        return values ? values.some(test) : false;
      };
    }
  }
}

type ValueFilter = Extract<Filter, { type: 'equal' | 'ge' | 'le' | 'approx' | 'substrings' }>;

function valueTest(f: ValueFilter, key: string): (v: string) => boolean {
  switch (f.type) {
    case 'equal': {
      const a = normalizeValue(key, f.value);
      return (v) => v === a;
    }
    case 'approx': {
      const a = normalizeValue(key, f.value);
      return (v) => v === a || v.includes(a);
    }
    case 'ge': {
      const a = normalizeValue(key, f.value);
      return (v) => v >= a;
    }
    case 'le': {
      const a = normalizeValue(key, f.value);
      return (v) => v <= a;
    }
    case 'substrings': {
      const initial = f.initial === null ? null : normalizeValue(key, f.initial);
      const any = f.any.map((x) => normalizeValue(key, x));
      const final = f.final === null ? null : normalizeValue(key, f.final);
      return (v) => substringMatch(v, initial, any, final);
    }
  }
}

export function substringMatch(v: string, initial: string | null, any: string[], final: string | null): boolean {
  let pos = 0;
  if (initial !== null) {
    if (!v.startsWith(initial)) return false;
    pos = initial.length;
  }
  for (const a of any) {
    const i = v.indexOf(a, pos);
    if (i < 0) return false;
    pos = i + a.length;
  }
  if (final !== null) return v.length - final.length >= pos && v.endsWith(final);
  return true;
}

/**
 * Active Directory's ambiguous name resolution, as Outlook uses it: `(anr=x)` is true when a
 * name, mail or uid value — or any word of the name — starts with x; with several words, when
 * each starts a word of the name in any order ("huong dang"); substrings apply to each value.
 */
function anr(f: ValueFilter): CompiledFilter {
  if (f.type === 'substrings') {
    const tests = ANR_KEYS.map((k) => [k, valueTest(f, k)] as const);
    return (e) => tests.some(([k, t]) => (e.normalized(k) ?? []).some(t));
  }
  const a = normalizeValue('cn', f.value).trim();
  if (!a) return () => false;
  const words = a.split(/\s+/);
  return (e) => {
    // several words ("huong dang"): each must start some word of the name, in any order
    if (words.length > 1) {
      return ['cn', 'displayname'].some((k) =>
        (e.normalized(k) ?? []).some((v) => {
          const have = v.split(/\s+/);
          return words.every((w) => have.some((h) => h.startsWith(w)));
        }),
      );
    }
    for (const k of ANR_KEYS) {
      for (const v of e.normalized(k) ?? []) {
        if (v.startsWith(a)) return true;
        if (k === 'cn' || k === 'displayname') {
          for (const word of v.split(/\s+/)) if (word.startsWith(a)) return true;
        }
      }
    }
    return false;
  };
}
