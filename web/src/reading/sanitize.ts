// Owns: the reading view's sanitiser. Mail HTML goes through DOMPurify (no scripts, handlers,
// forms, frames, <base>, <meta>, <link>), links open outside the app, and remote resources are
// counted and — unless the reader allowed them — removed (img src/srcset, background attributes,
// url() in style attributes). The sandboxed frame's own CSP (SafeHtmlFrame.tsx) is the second
// wall: even what slips through here cannot run or fetch. Inline parts (cid:) are replaced by
// the data: URLs the caller gives.
import DOMPurify from 'dompurify';

export interface SanitizeOptions {
  allowRemote: boolean;
  /** cid (without <>) → data: URL of the inline part. */
  inline?: Map<string, string>;
}

export interface Sanitized {
  html: string;
  /** Remote resources found (blocked unless allowRemote). */
  remote: number;
}

const FORBID_TAGS = [
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'option',
  'base',
  'meta',
  'link',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'script',
  'noscript',
  'template',
  'portal',
];
const FORBID_ATTR = ['action', 'formaction', 'ping', 'srcset', 'imagesrcset', 'http-equiv', 'xlink:href', 'autofocus'];
const REMOTE = /^\s*(https?:)?\/\//i;

let current: SanitizeOptions = { allowRemote: false };
let remote = 0;
const purify = DOMPurify();

/** CSS as its parser reads it: escapes undone (`u\\72l(` is `url(`), comments gone. */
function cssUnescape(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\([^\n])/g, (_m, hex: string | undefined, ch: string | undefined) => {
    if (hex === undefined) return ch ?? '';
    const cp = parseInt(hex, 16);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
  });
}

/**
 * CSS of a style attribute or a <style> element with nothing that loads from elsewhere unless the
 * reader allowed remote images: @import gone, url() kept only for data: images (remote ones
 * counted, kept once allowed), image-set() with a remote address and legacy script hooks
 * (expression(), behavior, -moz-binding) gone. Chromium fetches CSS images of a srcdoc frame even
 * past the frame's own policy when the app's allows them (the XSS corpus found it), so this is
 * the wall, not the CSP.
 */
export function cleanCss(css: string, allowRemote: boolean): string {
  let out = cssUnescape(css);
  out = out.replace(/@import[^;]*;?/gi, () => {
    remote++;
    return '';
  });
  out = out.replace(/expression\s*\(|behavior\s*:|-moz-binding\s*:|javascript:/gi, 'x-blocked(');
  out = out.replace(/(?:-webkit-)?image-set\s*\(/gi, (m, offset: number, all: string) => {
    if (!/https?:|\/\//i.test(all.slice(offset, offset + 2000))) return m;
    remote++;
    return allowRemote ? m : 'x-blocked(';
  });
  return out.replace(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*))\s*\)/gi, (m, dq: string | undefined, sq: string | undefined, bare: string | undefined) => {
    const url = dq ?? sq ?? bare ?? '';
    if (/^\s*data:image\//i.test(url)) return m;
    if (REMOTE.test(url)) {
      remote++;
      if (allowRemote) return m;
    }
    return 'none';
  });
}

purify.addHook('uponSanitizeElement', (node) => {
  // `<` escaped for CSS: an unescaped `\3c/style\3e` must not close the element when the result is parsed again
  if (node.nodeName === 'STYLE' && node.textContent) node.textContent = cleanCss(node.textContent, current.allowRemote).replace(/</g, '\\3c ');
});

purify.addHook('afterSanitizeAttributes', (node) => {
  const el = node as Element;
  if (el.tagName === 'A') {
    const href = el.getAttribute('href') ?? '';
    if (href && !/^(https?:|mailto:|#)/i.test(href.trim())) el.removeAttribute('href');
    el.setAttribute('target', '_blank');
    el.setAttribute('rel', 'noopener noreferrer');
  }
  // SVG's <image>, <use>, <feImage> load their href (Chromium fetched it past the frame's policy: the XSS corpus)
  for (const attr of el.tagName === 'A' || el.tagName === 'a' ? ['src', 'background', 'poster'] : ['src', 'background', 'poster', 'href']) {
    const v = el.getAttribute(attr);
    if (v === null) continue;
    if (/^\s*cid:/i.test(v)) {
      const data = current.inline?.get(v.trim().slice(4).replace(/^<|>$/g, ''));
      if (data) el.setAttribute(attr, data);
      else el.removeAttribute(attr);
    } else if (REMOTE.test(v)) {
      remote++;
      if (!current.allowRemote) {
        el.removeAttribute(attr);
        el.setAttribute('data-blocked', '1');
      }
    } else if (!/^\s*data:image\//i.test(v)) el.removeAttribute(attr);
  }
  const style = el.getAttribute('style');
  if (style) el.setAttribute('style', cleanCss(style, current.allowRemote));
});

export function sanitizeMail(html: string, opts: SanitizeOptions): Sanitized {
  current = opts;
  remote = 0;
  try {
    const out = purify.sanitize(html, { FORBID_TAGS, FORBID_ATTR, ALLOW_DATA_ATTR: false, WHOLE_DOCUMENT: false, ADD_ATTR: ['target'] }) as string;
    return { html: out, remote };
  } finally {
    current = { allowRemote: false };
  }
}

/** The frame's own policy: nothing runs, nothing loads but inline parts — and remote images once allowed. */
export function frameCsp(allowRemote: boolean): string {
  return ["default-src 'none'", `img-src data:${allowRemote ? ' https: http:' : ''}`, "style-src 'unsafe-inline'", 'font-src data:', "form-action 'none'", "base-uri 'none'"].join('; ');
}
