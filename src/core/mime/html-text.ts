// HTML → plain text for the search index (not for display).
// Owns: dropping markup, comments, declarations and the content of script/style/head/
// title/template and Outlook <xml> blocks; line breaks for block elements; decoding
// character references (named HTML 4 set plus the Vietnamese letters HTML5 names, and
// numeric ones); whitespace collapsing. Linear-time scanner, no regex backtracking on
// untrusted input. Never throws.

const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 ' +
  'acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml ' +
  'Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde ' +
  'Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ' +
  'ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide ' +
  'oslash ugrave uacute ucirc uuml yacute thorn yuml';

const ENTITIES: Map<string, number> = (() => {
  const m = new Map<string, number>();
  LATIN1_NAMES.split(' ').forEach((name, i) => m.set(name, 160 + i));
  const others: [string, number][] = [
    ['amp', 38],
    ['lt', 60],
    ['gt', 62],
    ['quot', 34],
    ['apos', 39],
    ['OElig', 338],
    ['oelig', 339],
    ['Scaron', 352],
    ['scaron', 353],
    ['Yuml', 376],
    ['fnof', 402],
    ['circ', 710],
    ['tilde', 732],
    ['ensp', 8194],
    ['emsp', 8195],
    ['thinsp', 8201],
    ['zwnj', 8204],
    ['zwj', 8205],
    ['lrm', 8206],
    ['rlm', 8207],
    ['ndash', 8211],
    ['mdash', 8212],
    ['lsquo', 8216],
    ['rsquo', 8217],
    ['sbquo', 8218],
    ['ldquo', 8220],
    ['rdquo', 8221],
    ['bdquo', 8222],
    ['dagger', 8224],
    ['Dagger', 8225],
    ['bull', 8226],
    ['hellip', 8230],
    ['permil', 8240],
    ['prime', 8242],
    ['Prime', 8243],
    ['lsaquo', 8249],
    ['rsaquo', 8250],
    ['oline', 8254],
    ['frasl', 8260],
    ['euro', 8364],
    ['trade', 8482],
    ['larr', 8592],
    ['uarr', 8593],
    ['rarr', 8594],
    ['darr', 8595],
    ['harr', 8596],
    ['minus', 8722],
    ['ne', 8800],
    ['le', 8804],
    ['ge', 8805],
    ['infin', 8734],
    ['asymp', 8776],
    // Vietnamese letters that have HTML5 names
    ['Abreve', 258],
    ['abreve', 259],
    ['Dstrok', 272],
    ['dstrok', 273],
    ['Itilde', 296],
    ['itilde', 297],
    ['Utilde', 360],
    ['utilde', 361],
  ];
  for (const [k, v] of others) m.set(k, v);
  return m;
})();

const SKIP_CONTENT = new Set(['script', 'style', 'head', 'title', 'template', 'xml']);
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'blockquote',
  'pre',
  'hr',
  'section',
  'article',
  'header',
  'footer',
  'nav',
  'aside',
  'form',
  'address',
  'fieldset',
  'figure',
  'figcaption',
  'main',
  'center',
  'body',
  'html',
]);
const CELL = new Set(['td', 'th']);

function codePointToString(cp: number): string {
  if (!Number.isFinite(cp) || cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  if (cp === 0xa0) return ' ';
  return String.fromCodePoint(cp);
}

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]{1,31})(;?)/g, (all, ref: string, semi: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return codePointToString(cp);
    }
    const cp = ENTITIES.get(ref);
    if (cp === undefined || (!semi && cp > 255)) return all;
    return codePointToString(cp);
  });
}

/** Index just past the '>' that closes the tag whose attributes start at `from`. */
function tagEnd(html: string, from: number): number {
  let quote = '';
  for (let i = from; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      // only an attribute value opens a quote: "=" before it, possibly with spaces
      let j = i - 1;
      while (j >= from && (html[j] === ' ' || html[j] === '\t' || html[j] === '\n')) j--;
      if (j >= from && html[j] === '=') quote = c;
    } else if (c === '>') return i + 1;
  }
  // an unterminated quote: fall back to the first '>'
  const gt = html.indexOf('>', from);
  return gt === -1 ? html.length : gt + 1;
}

const TAG = /<(\/?)([A-Za-z][A-Za-z0-9:-]*)/y;

export function htmlToText(html: string): string {
  const out: string[] = [];
  const text = (s: string): void => {
    if (s) out.push(decodeEntities(s.replace(/[ \t\r\n\f]+/g, ' ')));
  };
  let lower: string | null = null;
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      text(html.slice(i));
      break;
    }
    text(html.slice(i, lt));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? n : end + 3;
      continue;
    }
    const next = html[lt + 1];
    if (next === '!' || next === '?') {
      const end = html.indexOf('>', lt);
      i = end === -1 ? n : end + 1;
      continue;
    }
    TAG.lastIndex = lt;
    const m = TAG.exec(html);
    if (!m) {
      text('<');
      i = lt + 1;
      continue;
    }
    const closing = m[1] === '/';
    const name = m[2].toLowerCase();
    i = tagEnd(html, lt + m[0].length);
    if (!closing && SKIP_CONTENT.has(name) && !/\/>$/.test(html.slice(Math.max(lt, i - 2), i))) {
      lower ??= html.toLowerCase();
      const close = lower.indexOf(`</${name}`, i);
      if (close === -1) {
        i = n;
      } else {
        const gt = html.indexOf('>', close);
        i = gt === -1 ? n : gt + 1;
      }
      continue;
    }
    if (BLOCK.has(name)) out.push('\n');
    else if (CELL.has(name) && !closing) out.push(' \t');
  }
  return out
    .join('')
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
