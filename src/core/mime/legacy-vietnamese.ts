// Vietnamese text written in the legacy 8-bit font encodings, shown readably (issue 10): many
// offices still type in TCVN3 (ABC; the .VnTime fonts) or VNI (the VNI-Times fonts), and their mail
// goes out labelled windows-1258, windows-1252 or iso-8859-1 — or not labelled at all — so a
// reader that trusts the label sees "Uû ban nh©n d©n tØnh" or "UÛy ban nhaân daân".
//
// - TCVN3 is a byte encoding: each byte 0x80–0xFF is one letter. The table is TCVN 5712:1993's
//   (VN1, generated from glibc's TCVN5712-1 charmap; VN3, the ABC fonts' set, is its lower-case
//   part — a .VnTimeH "capital" font shows those same bytes as capitals, which bytes alone cannot tell).
// - VNI writes a letter as its base letter followed by a mark character (a Latin-1 letter of
//   the font): "aù" á, "aâ" â, "aá" ấ, "ô" ơ, "ö" ư, "ñ" đ, "æ" ỉ, "î" ỵ …; the capitals likewise.
//
// Detection never trusts a guess over the label without evidence: the bytes are read as labelled
// and as each legacy encoding, every word that holds a letter outside ASCII is checked against the
// shape of a Vietnamese syllable (onset, vowels, final consonant, one tone), and a legacy reading
// wins only when it makes more such words valid than the label's reading, with a clear margin.
// Syllables ending in "uy" get the tone on the u ("Uỷ ban" → "Ủy ban", as the province writes today).
// Pure: no I/O.
// Owns: the TCVN3 and VNI tables, their detection, and the conversion to Unicode NFC.
import { decodeBytes, resolveCharset } from './charset.ts';

/** TCVN 5712:1993 (VN1) bytes 0x80–0xFF; 0x00–0x7F are ASCII. */
const TCVN3_HIGH = [
  'ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨ', // 0x80
  'ÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ', // 0x90
  '\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ', // 0xA0
  '\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ', // 0xB0: combining grave, hook, tilde, acute, dot below
  'ẮẦẨẪẤỀặầẩẫấậèỂẻẽ', // 0xC0
  'éẹềểễếệìỉỄẾỒĩíịò', // 0xD0
  'Ổỏõóọồổỗốộờởỡớợù', // 0xE0
  'ỖủũúụừửữứựỳỷỹýỵỐ', // 0xF0
].join('');

/** TCVN3 bytes → Unicode NFC. */
export function decodeTcvn3(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : TCVN3_HIGH[b - 0x80];
  return out.normalize('NFC');
}

// ---------------------------------------------------------------- VNI

/** VNI's marks after a vowel: the tone, or the vowel's own mark with a tone (lower case; capitals are the upper-case marks). */
const VNI_TONES: Record<string, string> = { ù: '\u0301', ø: '\u0300', û: '\u0309', õ: '\u0303', ï: '\u0323' };
/** â (circumflex) and ê (breve) marks, alone or combined with a tone. */
const VNI_CIRCUMFLEX: Record<string, string> = { â: '', á: '\u0301', à: '\u0300', å: '\u0309', ã: '\u0303', ä: '\u0323' };
const VNI_BREVE: Record<string, string> = { ê: '', é: '\u0301', è: '\u0300', ú: '\u0309', ü: '\u0303', ë: '\u0323' };
/** Letters VNI writes as one character of the font. */
const VNI_SINGLE: Record<string, string> = { ô: 'ơ', ö: 'ư', ñ: 'đ', í: 'í', ì: 'ì', æ: 'ỉ', ó: 'ĩ', ò: 'ị', î: 'ỵ' };

function caseAs(model: string, s: string): string {
  return model === model.toUpperCase() && model !== model.toLowerCase() ? s.toUpperCase() : s;
}

/**
 * VNI text read as Latin-1 / windows-1252 characters → Unicode NFC. A letter followed by a mark is
 * one Vietnamese letter; the single-character letters (ơ ư đ ỉ ĩ ị ỵ) stand alone.
 */
export function vniToUnicode(latin: string): string {
  let out = '';
  for (let i = 0; i < latin.length; i++) {
    const c = latin[i];
    const lc = c.toLowerCase();
    const next = latin[i + 1];
    const ln = next?.toLowerCase();
    if ('aeiouy'.includes(lc) && ln !== undefined) {
      if (lc === 'a' || lc === 'e' || lc === 'o') {
        if (ln in VNI_CIRCUMFLEX) {
          out += caseAs(c, lc + '\u0302' + VNI_CIRCUMFLEX[ln]);
          i++;
          continue;
        }
      }
      if (lc === 'a' && ln in VNI_BREVE) {
        out += caseAs(c, 'a\u0306' + VNI_BREVE[ln]);
        i++;
        continue;
      }
      if (ln in VNI_TONES) {
        out += caseAs(c, lc + VNI_TONES[ln]);
        i++;
        continue;
      }
    }
    if (lc in VNI_SINGLE) {
      const base = VNI_SINGLE[lc];
      // ơ / ư with a tone mark after them
      if ((lc === 'ô' || lc === 'ö') && ln !== undefined && ln in VNI_TONES) {
        out += caseAs(c, base + VNI_TONES[ln]);
        i++;
        continue;
      }
      out += caseAs(c, base);
      continue;
    }
    out += c;
  }
  return out.normalize('NFC');
}

// ---------------------------------------------------------------- detection

const VOWELS = 'aăâeêioôơuưy';
const TONED = 'àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ';
const ONSET = '(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?';
const NUCLEUS = `[${VOWELS}${TONED}]{1,3}`;
const CODA = '(?:ch|ng|nh|[cmnpt])?';
const SYLLABLE = new RegExp(`^${ONSET}${NUCLEUS}${CODA}$`);
const TONED_SET = new Set(TONED);

/** A word (lower case, NFC) that has the shape of a Vietnamese syllable with at most one tone. */
export function isVietnameseSyllable(word: string): boolean {
  if (!SYLLABLE.test(word)) return false;
  let tones = 0;
  for (const ch of word) if (TONED_SET.has(ch)) tones++;
  return tones <= 1;
}

/** Words with a letter outside ASCII that are Vietnamese syllables, less those that are not. */
export function vietnameseScore(text: string): number {
  let score = 0;
  for (const raw of text.split(/[\s\u00a0.,;:!?()[\]{}"'“”‘’«»<>/\\|=+*&^%$#@~`_0-9-]+/)) {
    if (!raw || /^[\x00-\x7f]*$/.test(raw)) continue;
    score += isVietnameseSyllable(raw.toLowerCase()) ? 1 : -1;
  }
  return score;
}

/** Toned capitals of TCVN 5712's VN1 that the ABC fonts' VN3 set does not have. */
const VN1_CAPITALS = /[ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨẰẲẴẮẦẨẪẤỀỂỄẾỒỔỖỐ]/u;

/** Labels a legacy Vietnamese text hides behind (or none at all). */
const LEGACY_LABELS = /^(?:windows-?125[28]|cp125[28]|iso-?8859-?1|latin-?1|l1|iso_8859-1|us-?ascii|ascii)$/i;

export type LegacyEncoding = 'tcvn3' | 'vni';

/**
 * Whether bytes labelled `charset` are really TCVN3 or VNI: null when the label's own reading is
 * as good (or the label is one no legacy text would carry, such as UTF-8 of valid UTF-8).
 */
export function detectLegacyVietnamese(bytes: Uint8Array, charset: string | null): LegacyEncoding | null {
  if (charset && !LEGACY_LABELS.test(charset.trim().replace(/^["']|["']$/g, ''))) return null;
  let high = 0;
  for (const b of bytes) if (b > 0x7f) high++;
  if (high === 0) return null;
  const asLabelled = vietnameseScore(decodeBytes(Buffer.from(bytes), charset));
  const asTcvn = decodeTcvn3(bytes);
  const tcvn = vietnameseScore(asTcvn);
  const vni = vietnameseScore(vniToUnicode(Buffer.from(bytes).toString('latin1')));
  const best = Math.max(tcvn, vni);
  // a clear margin: at least two more good words than the label's reading, and more good than bad
  if (best <= 0 || best < asLabelled + 2) return null;
  if (tcvn !== vni) return tcvn > vni ? 'tcvn3' : 'vni';
  // A tie (capitals: VNI's capital marks are TCVN's capital letters): the ABC fonts' TCVN3 has no toned capitals.
  return VN1_CAPITALS.test(asTcvn) ? 'vni' : 'tcvn3';
}

/** Syllable-final "uy" carries its tone on the u (Uỷ → Ủy, thuỷ → thủy; quý, khuỷu unchanged). */
export function toneOnU(text: string): string {
  const onU: Record<string, string> = { ỳ: 'ù', ý: 'ú', ỷ: 'ủ', ỹ: 'ũ', ỵ: 'ụ' };
  return text.replace(/\p{L}+/gu, (word) => {
    const m = /^(.*?)([uU])([ỳýỷỹỵỲÝỶỸỴ])$/u.exec(word);
    if (!m || /[qQ]$/.test(m[1])) return word;
    const toned = onU[m[3].toLowerCase()];
    return m[1] + (m[2] === 'U' ? toned.toUpperCase() : toned) + (m[3] === m[3].toLowerCase() ? 'y' : 'Y');
  });
}

/**
 * A text part's bytes as Unicode: the declared charset's reading, unless the bytes are evidently
 * TCVN3 or VNI (then converted, NFC). What JMAP's body values and previews show.
 */
export function decodeVietnameseText(bytes: Buffer, charset: string | null): string {
  const resolved = charset ? resolveCharset(charset) : null;
  // valid UTF-8 labelled UTF-8 (or unlabelled) is never legacy text
  const label = charset && resolved === 'UTF-8' && !/ascii/i.test(charset) ? 'utf-8' : charset;
  const kind = label === 'utf-8' ? null : detectLegacyVietnamese(bytes, label);
  if (kind === 'tcvn3') return toneOnU(decodeTcvn3(bytes));
  if (kind === 'vni') return toneOnU(vniToUnicode(bytes.toString('latin1')));
  return decodeBytes(bytes, charset);
}
