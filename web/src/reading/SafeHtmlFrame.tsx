// Owns: the frame a mail's HTML is shown in: `sandbox` without allow-scripts or allow-same-origin
// (an opaque origin that can run nothing and reach nothing of the app's), srcdoc with its own CSP
// meta (sanitize.ts frameCsp) on top of the app's policy it inherits. Links open in a new tab
// (allow-popups, escaping the sandbox so the opened page works normally).
import { useMemo } from 'react';
import { frameCsp } from './sanitize.ts';

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function frameDocument(safeHtml: string, allowRemote: boolean, lang: string): string {
  return (
    `<!doctype html><html lang="${escapeAttr(lang)}"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(frameCsp(allowRemote))}">` +
    '<meta name="referrer" content="no-referrer">' +
    '<style>body{font:15px/1.5 system-ui,sans-serif;margin:12px;color:#1b1b1b;overflow-wrap:anywhere}img{max-width:100%;height:auto}pre{white-space:pre-wrap}</style>' +
    `</head><body>${safeHtml}</body></html>`
  );
}

export function SafeHtmlFrame({ html, allowRemote, title, lang = 'vi' }: { html: string; allowRemote: boolean; title: string; lang?: string }) {
  const doc = useMemo(() => frameDocument(html, allowRemote, lang), [html, allowRemote, lang]);
  return <iframe className="mail-frame" title={title} sandbox="allow-popups allow-popups-to-escape-sandbox" srcDoc={doc} referrerPolicy="no-referrer" />;
}
