// Owns: the compose editor's HTML rules — one strict DOMPurify allow-list for what enters the editor
// (a paste, a quoted original, a signature, a resumed draft) and what leaves it (the text/html part);
// the text/plain alternative made from it (quotes as "> ", lists, links with their address, the
// RFC 3676 signature separator kept); whether a message has any formatting at all (none: it goes as
// text/plain only, as Thunderbird's automatic send format does); the HTML document that is sent.
import DOMPurify from 'dompurify';

const ALLOWED_TAGS = [
  'a',
  'b',
  'strong',
  'i',
  'em',
  'u',
  's',
  'strike',
  'del',
  'sub',
  'sup',
  'br',
  'p',
  'div',
  'span',
  'blockquote',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'pre',
  'code',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'td',
  'th',
];
const ALLOWED_ATTR = ['href', 'type', 'class', 'colspan', 'rowspan', 'dir'];
/** The only classes kept: the ones the editor itself writes. */
export const SIGNATURE_CLASS = 'thutin-signature';
const CLASSES = new Set([SIGNATURE_CLASS]);
const SAFE_HREF = /^\s*(https?:|mailto:)/i;

const purify = DOMPurify();
purify.addHook('afterSanitizeAttributes', (node) => {
  const el = node as Element;
  const href = el.getAttribute('href');
  if (href !== null && (el.tagName !== 'A' || !SAFE_HREF.test(href))) el.removeAttribute('href');
  if (el.tagName === 'A' && el.hasAttribute('href')) el.setAttribute('rel', 'noopener noreferrer');
  const cls = el.getAttribute('class');
  if (cls !== null) {
    const kept = cls.split(/\s+/).filter((c) => CLASSES.has(c));
    if (kept.length) el.setAttribute('class', kept.join(' '));
    else el.removeAttribute('class');
  }
  const type = el.getAttribute('type');
  if (type !== null && !(el.tagName === 'BLOCKQUOTE' && type === 'cite')) el.removeAttribute('type');
});

/**
 * HTML fit for the editor and for sending: formatting, links (http, https, mailto) and quotes only —
 * no script, handler, style, class of the sender's, image, form, frame or anything that loads.
 * Images are dropped rather than blocked: the editor lives in the app's own page, where a remote
 * image would be fetched.
 */
export function sanitizeCompose(html: string): string {
  return purify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false, ALLOW_ARIA_ATTR: false, KEEP_CONTENT: true, ADD_ATTR: ['rel'] }) as string;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Plain text as editor HTML: one line a <div> (as Chromium's editor makes them), an empty line <div><br></div>. */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => `<div>${l ? escapeHtml(l).replace(/ {2}/g, ' &nbsp;') : '<br>'}</div>`)
    .join('');
}

/** The identity's signature block (RFC 3676 "-- " line first): its HTML signature, else its text one. */
export function signatureHtml(sig: { htmlSignature?: string; textSignature?: string }): string {
  const html = sig.htmlSignature?.trim() ? sanitizeCompose(sig.htmlSignature) : sig.textSignature?.trim() ? escapeHtml(sig.textSignature.trim()).replace(/\r?\n/g, '<br>') : '';
  return html ? `<div class="${SIGNATURE_CLASS}">-- <br>${html}</div>` : '';
}

function parse(html: string): HTMLElement {
  return new DOMParser().parseFromString(`<!DOCTYPE html><html><body>${html}</body></html>`, 'text/html').body;
}

const BLOCKS = new Set(['P', 'DIV', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'H1', 'H2', 'H3', 'H4', 'PRE', 'HR', 'TABLE', 'TR', 'THEAD', 'TBODY']);

/** Text with block structure: each block on its own lines, never two line breaks where one is meant. */
class Writer {
  out = '';
  atLineStart(): void {
    if (this.out && !this.out.endsWith('\n')) this.out += '\n';
  }
  write(s: string): void {
    this.out += s;
  }
}

function prefixLines(text: string, first: string, rest: string): string {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .map((l, i) => (i === 0 ? first : rest) + l)
    .join('\n');
}

function walk(node: Node, w: Writer, pre: boolean): void {
  if (node.nodeType === Node.TEXT_NODE) {
    const raw = node.nodeValue ?? '';
    // As HTML shows it: white space collapsed, none at the start of a line (a no-break space stays).
    let t = pre ? raw : raw.replace(/[ \t\n\r\f]+/g, ' ');
    if (!pre && (w.out === '' || w.out.endsWith('\n'))) t = t.replace(/^ /, '');
    w.write(t.replace(/\u00a0/g, ' '));
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  const el = node as HTMLElement;
  const tag = el.tagName;
  if (tag === 'BR') return w.write('\n');
  if (tag === 'HR') {
    w.atLineStart();
    return w.write('----------\n');
  }
  if (tag === 'BLOCKQUOTE' || tag === 'LI') {
    const inner = new Writer();
    for (const c of el.childNodes) walk(c, inner, pre);
    let first = '> ';
    let rest = '> ';
    if (tag === 'LI') {
      const ol = el.parentElement?.tagName === 'OL';
      first = ol ? `${[...el.parentElement!.children].indexOf(el) + 1}. ` : '- ';
      rest = ' '.repeat(first.length);
    }
    w.atLineStart();
    w.write(prefixLines(inner.out, first, rest).replace(/^> $/gm, '>') + '\n');
    return;
  }
  const block = BLOCKS.has(tag);
  if (block) w.atLineStart();
  // The signature stands apart from what is above it by an empty line (RFC 3676 "-- " then).
  if (el.classList.contains(SIGNATURE_CLASS) && w.out) w.write('\n');
  for (const c of el.childNodes) walk(c, w, pre || tag === 'PRE');
  if (tag === 'A') {
    const href = el.getAttribute('href') ?? '';
    const label = (el.textContent ?? '').trim();
    const target = href.replace(/^mailto:/i, '');
    if (href && label !== target && label !== href) w.write(` <${target}>`);
  }
  if (tag === 'TD' || tag === 'TH') w.write('\t');
  if (block) w.atLineStart();
  if (tag === 'P') w.write('\n');
}

/** The text/plain alternative of editor HTML. */
export function htmlToText(html: string): string {
  const w = new Writer();
  walk(parse(sanitizeCompose(html)), w, false);
  return (
    w.out
      .split('\n')
      // Trailing spaces go, except the signature separator's ("-- ").
      .map((l) => (l === '-- ' ? l : l.replace(/[ \t]+$/, '')))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .replace(/^\n+/, '')
      .replace(/\s+$/, '')
  );
}

const PLAIN_TAGS = new Set(['DIV', 'P', 'BR', 'BLOCKQUOTE', 'SPAN']);

/** True when the HTML has any formatting plain text cannot carry (bold, a link, a list…). */
export function isFormatted(html: string): boolean {
  for (const el of parse(sanitizeCompose(html)).querySelectorAll('*')) if (!PLAIN_TAGS.has(el.tagName)) return true;
  return false;
}

/** The text/html part: the editor's HTML sanitised again, quotes given a bar other mail programs show. */
export function htmlDocument(html: string): string {
  const body = parse(sanitizeCompose(html));
  for (const q of body.querySelectorAll('blockquote')) {
    q.setAttribute('type', 'cite');
    q.setAttribute('style', 'margin:0 0 0 .8ex;border-left:2px solid #ccc;padding-left:1ex');
  }
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>${body.innerHTML}</body></html>\n`;
}
