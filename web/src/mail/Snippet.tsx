// Owns: showing a SearchSnippet (RFC 8621 §5: HTML-escaped text with <mark> around the words
// found) without innerHTML: the marks become <mark> elements, everything else plain text.
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };

export function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (m) => ENTITIES[m] ?? m);
}

export function Snippet({ html }: { html: string }) {
  const parts = html.split(/(<mark>|<\/mark>)/);
  let marked = false;
  const out: Array<string | { mark: string }> = [];
  for (const p of parts) {
    if (p === '<mark>') marked = true;
    else if (p === '</mark>') marked = false;
    else if (p) out.push(marked ? { mark: unescapeHtml(p) } : unescapeHtml(p));
  }
  return <>{out.map((x, i) => (typeof x === 'string' ? x : <mark key={i}>{x.mark}</mark>))}</>;
}
