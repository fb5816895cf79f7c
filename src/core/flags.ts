// Message flags: the five settable system flags as a bit mask (stored in messages.flags) and
// keywords as a space separated list (messages.keywords).
export const SYSTEM_FLAGS = {
  '\\Seen': 1,
  '\\Answered': 2,
  '\\Flagged': 4,
  '\\Deleted': 8,
  '\\Draft': 16,
} as const;

export type SystemFlag = keyof typeof SYSTEM_FLAGS;
export const SEEN = 1;
export const ANSWERED = 2;
export const FLAGGED = 4;
export const DELETED = 8;
export const DRAFT = 16;

export interface FlagSet {
  mask: number;
  keywords: string[];
}

const BY_LOWER = new Map(Object.entries(SYSTEM_FLAGS).map(([k, v]) => [k.toLowerCase(), [k, v] as const]));

/** Split a list of flag names into the system mask and keywords (\Recent and unknown \flags dropped). */
/** An IMAP flag-keyword is an atom (RFC 3501 §9): printable ASCII without atom-specials. */
export function isKeyword(f: string): boolean {
  return /^[!#$&'+-[^-z|}~]+$/.test(f);
}

/** System flags by name; keywords that are atoms (others, e.g. "$Bộ" from a Sieve script, are dropped). */
export function toFlagSet(flags: readonly string[]): FlagSet {
  let mask = 0;
  const keywords: string[] = [];
  for (const f of flags) {
    const sys = BY_LOWER.get(f.toLowerCase());
    if (sys) mask |= sys[1];
    else if (isKeyword(f) && !keywords.some((k) => k.toLowerCase() === f.toLowerCase())) keywords.push(f);
  }
  return { mask, keywords };
}

export function flagNames(mask: number, keywords: string): string[] {
  const out: string[] = [];
  for (const [name, bit] of Object.entries(SYSTEM_FLAGS)) if (mask & bit) out.push(name);
  out.push(...parseKeywords(keywords));
  return out;
}

/** The stored keyword list ('' or space separated) as names: the one place it is split. */
export function parseKeywords(s: string): string[] {
  return s ? s.split(' ') : [];
}

/** Keywords with `add` appended (keyword names compare case-insensitively). */
export function addKeywords(current: readonly string[], add: readonly string[]): string[] {
  const have = new Set(current.map((k) => k.toLowerCase()));
  return [...current, ...add.filter((k) => !have.has(k.toLowerCase()))];
}

/** Keywords without any of `remove` (case-insensitively). */
export function removeKeywords(current: readonly string[], remove: readonly string[]): string[] {
  const gone = new Set(remove.map((k) => k.toLowerCase()));
  return current.filter((k) => !gone.has(k.toLowerCase()));
}

export function joinKeywords(k: readonly string[]): string {
  return k.join(' ');
}
