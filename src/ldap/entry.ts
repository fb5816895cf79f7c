// One directory entry as LDAP sees it: a DN (shown and parsed) and attributes keyed by their
// lower-case canonical name, with the compared form of the values computed on first use.
import { ATTRIBUTE_NAMES, attributeKey, normalizeValue } from './attributes.ts';
import { parseDn, type Rdns } from './dn.ts';
import type { EntryAttribute } from './protocol/responses.ts';

export type EntryKind = 'root' | 'base' | 'container' | 'person' | 'unit' | 'list';

export interface LdapAttribute extends EntryAttribute {
  name: string;
  values: string[];
  normalized?: string[];
}

export class LdapEntry {
  private parsed: Rdns | null = null;
  readonly attrs = new Map<string, LdapAttribute>();

  constructor(
    readonly dn: string,
    readonly kind: EntryKind,
    readonly id: number | null = null,
    /** Set for lists: their address, for computing `member` before the entry is sent. */
    readonly listAddress: string | null = null,
  ) {}

  /** The parsed DN, computed when first needed (scope checks of fixed entries, not search hits). */
  get rdns(): Rdns {
    this.parsed ??= parseDn(this.dn);
    return this.parsed;
  }

  /** Add an attribute; empty and missing values are skipped (LDAP has no empty attributes). */
  set(key: string, values: ReadonlyArray<string | null | undefined> | string | null | undefined): this {
    if (!Array.isArray(values)) return this.put(key, values as string | null | undefined);
    const list: string[] = [];
    for (const v of values) if (typeof v === 'string' && v !== '') list.push(v);
    if (list.length) this.attrs.set(key, { name: ATTRIBUTE_NAMES[key] ?? key, values: list });
    return this;
  }

  /** Add a single-valued attribute (skipped when empty). */
  put(key: string, value: string | null | undefined): this {
    if (value) this.attrs.set(key, { name: ATTRIBUTE_NAMES[key] ?? key, values: [value] });
    return this;
  }

  get(key: string): LdapAttribute | undefined {
    return this.attrs.get(key);
  }

  /** Values of `key` in compared form (folded), or undefined when the entry has no such attribute. */
  normalized(key: string): string[] | undefined {
    const a = this.attrs.get(key);
    if (!a) return undefined;
    a.normalized ??= a.values.map((v) => normalizeValue(key, v));
    return a.normalized;
  }

  /** Identity for de-duplication across several candidate queries. */
  get identity(): string {
    return `${this.kind}:${this.id ?? this.dn}`;
  }
}

/** Which attributes a search asked for (RFC 4511 4.5.1.8): all user attributes, none, or a list. */
export interface AttributeSelection {
  all: boolean;
  keys: Set<string>;
}

export function attributeSelection(requested: readonly string[]): AttributeSelection {
  const keys = new Set<string>();
  let all = requested.length === 0;
  for (const r of requested) {
    if (r === '*') all = true;
    else if (r === '1.1' || r === '+') continue;
    else {
      const k = attributeKey(r);
      if (k) keys.add(k);
    }
  }
  return { all, keys };
}

/** The attributes of `e` a selection returns, in the entry's order. */
export function selectAttributes(e: LdapEntry, sel: AttributeSelection): LdapAttribute[] {
  if (sel.all) return [...e.attrs.values()];
  const out: LdapAttribute[] = [];
  for (const [k, a] of e.attrs) if (sel.keys.has(k)) out.push(a);
  return out;
}

/** Whether a selection includes `key` (e.g. `member`, computed only when asked for). */
export function selects(sel: AttributeSelection, key: string): boolean {
  return sel.all || sel.keys.has(key);
}
