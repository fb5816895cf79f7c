// Unicode normalisation and accent folding for Vietnamese search.
// Owns: normalizeNfc (the one canonical form text is stored and compared in) and
// foldVietnamese, which builds the accent-insensitive copy the search index stores next to
// the NFC text. SQLite FTS5's remove_diacritics does not fold đ/Đ (it is a letter, not d +
// a combining mark), so folding is done here before the text reaches the index.

/** NFC. Windows-1258 and some input methods produce decomposed (NFD) Vietnamese. */
export function normalizeNfc(s: string): string {
  return s.normalize('NFC');
}

// eslint-disable-next-line no-misleading-character-class -- a class of combining marks alone, on purpose
const COMBINING = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
// đ (U+0111), Đ (U+0110) and the Icelandic eth Ð (U+00D0), which looks identical to Đ and
// is what some legacy Vietnamese encodings and keyboards produce
const D_LETTERS = /[\u0110\u0111\u00d0\u00f0]/g;
const NON_ASCII = /[^\x00-\x7f]/;

/** Lower-case, strip diacritics and tone marks, đ/Đ/Ð → d. Result is NFC. */
export function foldVietnamese(s: string): string {
  // Plain ASCII has no marks to strip and no đ: lower case is all (a message's ASCII headers and bodies).
  if (!NON_ASCII.test(s)) return s.toLowerCase();
  return s.normalize('NFC').toLowerCase().normalize('NFD').replace(COMBINING, '').replace(D_LETTERS, 'd').normalize('NFC');
}
