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
const CSS_URL = /url\(\s*(['"]?)([^'")]*)\1\s*\)/gi;

let current: SanitizeOptions = { allowRemote: false };
let remote = 0;
const purify = DOMPurify();

purify.addHook('afterSanitizeAttributes', (node) => {
  const el = node as Element;
  if (el.tagName === 'A') {
    const href = el.getAttribute('href') ?? '';
    if (href && !/^(https?:|mailto:|#)/i.test(href.trim())) el.removeAttribute('href');
    el.setAttribute('target', '_blank');
    el.setAttribute('rel', 'noopener noreferrer');
  }
  for (const attr of ['src', 'background', 'poster']) {
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
  if (style && /url\(/i.test(style)) {
    el.setAttribute(
      'style',
      style.replace(CSS_URL, (m, _q, url: string) => {
        if (/^\s*data:image\//i.test(url)) return m;
        if (REMOTE.test(url)) {
          remote++;
          if (current.allowRemote) return m;
        }
        return 'none';
      }),
    );
  }
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
