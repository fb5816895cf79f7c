// Vietnamese ordering. Owns the collator every list uses (Intl.Collator('vi'): a < ă < â, d < đ,
// tones after letters) and the sort key stored in `people.sort_key`, so the database orders people
// the Vietnamese way (given name, then family name, then middle names) with a plain ORDER BY.
// The key uses only [0-9a-z], which every database collation (C, en_US, …) orders alike.

export const viCollator = new Intl.Collator('vi');

export function compareVi(a: string, b: string): number {
  return viCollator.compare(a, b);
}

/** Compare two people the Vietnamese way: given name, family name, middle names. */
export function comparePeople(a: { givenName: string; familyName: string; middleName: string }, b: { givenName: string; familyName: string; middleName: string }): number {
  return compareVi(a.givenName, b.givenName) || compareVi(a.familyName, b.familyName) || compareVi(a.middleName, b.middleName);
}

// Letters in Vietnamese alphabetical order (with the Latin letters Vietnamese does not use).
const ALPHABET = 'a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z'.split(' ');
const TONE_MARKS = ['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']; // huyền sắc ngã hỏi nặng
// Tone order as the collator itself sorts them (none < huyền < hỏi < ngã < sắc < nặng).
const TONE_ORDER: Map<string, number> = (() => {
  const variants = ['', ...TONE_MARKS].map((t) => ({ t, s: ('a' + t).normalize('NFC') }));
  variants.sort((x, y) => viCollator.compare(x.s, y.s));
  return new Map(variants.map((v, i) => [v.t, i + 1]));
})();
const LETTER_CODE = new Map<string, string>();
ALPHABET.forEach((l, i) => LETTER_CODE.set(l, (i + 12).toString(36).padStart(2, '0')));
for (let d = 0; d <= 9; d++) LETTER_CODE.set(String(d), (d + 2).toString(36).padStart(2, '0'));

function partKey(part: string): string {
  let primary = '';
  let tones = '';
  for (const ch of part.normalize('NFC').toLowerCase()) {
    const nfd = ch.normalize('NFD');
    let base = nfd[0];
    let tone = '';
    for (const m of nfd.slice(1)) {
      if (TONE_MARKS.includes(m)) tone = m;
      else base += m;
    }
    base = base.normalize('NFC');
    if (base === '\u00f0') base = 'đ'; // the look-alike eth
    const code = LETTER_CODE.get(base) ?? LETTER_CODE.get(base.normalize('NFD')[0]);
    if (code) {
      primary += code;
      tones += String(TONE_ORDER.get(tone) ?? 1);
    } else if (/\s/.test(ch)) primary += '01';
    // punctuation is ignored
  }
  return `${primary}00${tones}0`;
}

/** The stored sort key: given name, family name, middle names (each letters first, then tones). */
export function personSortKey(p: { givenName: string; familyName: string; middleName: string }): string {
  return partKey(p.givenName) + partKey(p.familyName) + partKey(p.middleName);
}
