// SearchSnippet/get (RFC 8621 §5): for each Email, its subject and a piece of its text with the
// words of the filter's text conditions (text, subject, body, …) marked `<mark>…</mark>`, HTML-
// escaped. A word matches as the store's search matches it: diacritic- and đ-insensitive
// (core/text/fold.ts foldVietnamese), so `dang` marks "Đặng" where it stands in the original text.
// Subject or preview is null when nothing in it matches.
// Owns: snippets and the folded highlighting.
import { foldVietnamese } from '../core/text/fold.ts';
import { decodeEncodedWords } from '../core/mime/encoded-words.ts';
import { htmlToText } from '../core/mime/html-text.ts';
import { MAIL, optObject, optStrings, type Args, type MethodSpec } from './api.ts';
import type { CallContext } from './context.ts';
import { MethodError } from './errors.ts';
import { parseEmailId, type MessageRef } from './ids.ts';
import { loadMessages } from './email.ts';
import { bodyLists, bodyStructure, partText } from './message.ts';

/** Body bytes read for a preview, and the preview's length around the first match. */
const BODY_BYTES = 256 * 1024;
const PREVIEW = 255;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The words of the filter's text conditions (and of what a body search matches: text, body). */
export function filterWords(filter: Record<string, unknown> | null): { subject: string[]; body: string[] } {
  const subject: string[] = [];
  const body: string[] = [];
  const walk = (f: Record<string, unknown>, negated: boolean) => {
    if ('operator' in f) {
      for (const c of (f.conditions as Array<Record<string, unknown>>) ?? []) walk(c, negated || f.operator === 'NOT');
      return;
    }
    if (negated) return;
    const words = (v: unknown) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : []);
    subject.push(...words(f.text), ...words(f.subject));
    body.push(...words(f.text), ...words(f.body));
  };
  if (filter) walk(filter, false);
  return { subject, body };
}

/** `text` with every folded occurrence of each word marked, escaped; null when none occurs. */
export function highlight(text: string, words: string[]): string | null {
  const chars = [...text.normalize('NFC')];
  // the folded text, and for each folded code unit the original character it came from
  let folded = '';
  const origin: number[] = [];
  chars.forEach((c, i) => {
    const f = foldVietnamese(c);
    folded += f;
    for (let k = 0; k < f.length; k++) origin.push(i);
  });
  const marked = new Array<boolean>(chars.length).fill(false);
  let any = false;
  for (const w of words.map(foldVietnamese).filter(Boolean)) {
    for (let at = folded.indexOf(w); at >= 0; at = folded.indexOf(w, at + w.length)) {
      any = true;
      for (let k = at; k < at + w.length; k++) marked[origin[k]] = true;
    }
  }
  if (!any) return null;
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    if (marked[i] && (i === 0 || !marked[i - 1])) out += '<mark>';
    out += escape(chars[i]);
    if (marked[i] && (i === chars.length - 1 || !marked[i + 1])) out += '</mark>';
  }
  return out;
}

/** A window of the text around its first match (at most PREVIEW characters), highlighted. */
export function previewAround(text: string, words: string[]): string | null {
  const flat = text.replace(/\s+/g, ' ').trim();
  const folded = foldVietnamese(flat);
  const hits = words.map((w) => folded.indexOf(foldVietnamese(w))).filter((i) => i >= 0);
  if (!hits.length) return null;
  // folding keeps one code unit per NFC character of Vietnamese text, so the index carries over
  const first = Math.min(...hits);
  const start = Math.max(0, first - 60);
  const piece = [...flat.slice(start)].slice(0, PREVIEW).join('');
  return highlight((start > 0 ? '…' : '') + piece, words);
}

async function snippetGet(ctx: CallContext, args: Args): Promise<Args> {
  const a = ctx.account(args.accountId);
  const filter = optObject(args, 'filter');
  const ids = optStrings(args, 'emailIds');
  if (!ids) throw new MethodError('invalidArguments', 'emailIds');
  if (ids.length > ctx.s.limits.maxObjectsInGet) throw new MethodError('requestTooLarge');
  const words = filterWords(filter);
  const wanted = [...new Set(ids.map((i) => ctx.resolveId(i)))];
  const found = await loadMessages(
    ctx,
    a,
    wanted.map(parseEmailId).filter((r): r is MessageRef => r !== null),
  );
  const indexes = await ctx.s.store.indexesOf([...found.values()].map((f) => f.meta));
  const list: unknown[] = [];
  for (const id of wanted) {
    const hit = found.get(id);
    if (!hit) continue;
    const idx = indexes.get(hit.meta);
    const subjectText = idx?.envelope.subject ? decodeEncodedWords(idx.envelope.subject).normalize('NFC').trim() : '';
    let preview: string | null = null;
    if (idx && words.body.length) {
      const lists = bodyLists(bodyStructure(hit.ref, idx.root));
      const p = lists.textBody.find((b) => b.node.type === 'text');
      if (p) {
        const raw = await ctx.s.store.readMessage(hit.meta, p.node.bodyStart, Math.min(p.node.end, p.node.bodyStart + BODY_BYTES));
        const t = partText(raw, p.node);
        preview = previewAround(p.node.subtype === 'html' ? htmlToText(t) : t, words.body);
      }
    }
    list.push({ emailId: id, subject: words.subject.length ? highlight(subjectText, words.subject) : null, preview });
  }
  return { accountId: a.id, list, notFound: wanted.filter((i) => !found.has(i)) };
}

export const SNIPPET_METHODS: Record<string, MethodSpec> = {
  'SearchSnippet/get': { capability: MAIL, handler: snippetGet },
};
