// The Date: header → an instant (ISO 8601, UTC).
// Owns: RFC 5322 date-time including the obsolete forms (two-digit years, named zones,
// missing seconds, comments), tolerant of common breakage; falls back to ISO 8601.
// Returns null for anything it cannot place in time. Never throws.

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

// RFC 5322 4.3 obsolete zones, plus a few seen in the wild (ICT = Indochina Time)
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  edt: -4 * 60,
  est: -5 * 60,
  cdt: -5 * 60,
  cst: -6 * 60,
  mdt: -6 * 60,
  mst: -7 * 60,
  pdt: -7 * 60,
  pst: -8 * 60,
  ict: 7 * 60,
  cet: 60,
  cest: 120,
  bst: 60,
  jst: 9 * 60,
};

const RFC5322 = /^(?:[A-Za-z]+\.?,?\s*)?(\d{1,2})[\s-]*([A-Za-z]{3})[A-Za-z]*\.?[\s-]*(\d{2,4})\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?\s*([+-]\d{4}|[+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?/;

export function parseMailDate(input: string | null | undefined): string | null {
  if (!input) return null;
  const s = input
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!s) return null;
  const m = RFC5322.exec(s);
  if (m) {
    const day = Number(m[1]);
    const month = MONTHS[m[2].toLowerCase()];
    let year = Number(m[3]);
    if (m[3].length === 2) year += year < 50 ? 2000 : 1900;
    else if (m[3].length === 3) year += 1900;
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    let offset = 0;
    const z = m[7];
    if (z) {
      if (/^[+-]/.test(z)) {
        const digits = z.replace(':', '');
        const sign = digits[0] === '-' ? -1 : 1;
        const hh = Number(digits.slice(1, 3));
        const mm = Number(digits.slice(3, 5));
        if (hh <= 23 && mm <= 59) offset = sign * (hh * 60 + mm);
      } else offset = ZONES[z.toLowerCase()] ?? 0; // unknown zone: RFC 5322 says treat as -0000
    }
    if (month !== undefined && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60 && year >= 1900 && year <= 9999) {
      const t = Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - offset * 60_000;
      const d = new Date(t);
      // reject day overflow (31 Feb)
      if (new Date(Date.UTC(year, month, day)).getUTCDate() === day && !Number.isNaN(t)) return d.toISOString();
      return null;
    }
    return null;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  return null;
}
