// A stored message as it is served: the header fields that SMTP stages added (Authentication-
// Results, Received-SPF, Sender, List-Id, a rewritten Subject …) kept beside the stored blob, in front of it, so a
// message is written and fsynced once and IMAP, JMAP and outbound still see one message, byte-exact
// and stable across reads.
// Owns: the served-bytes arithmetic (`header_prefix` replaces the blob's first `prefix_replaces`
// bytes) and shifting a stored MIME index to the served offsets. Pure: no storage, no I/O.
import type { Envelope, MessageIndex, MimeNode } from './mime/types.ts';
import { parseAddressList } from './mime/address.ts';

/** Where a message's bytes come from: its blob, behind an optional prefix. */
export interface MessageSource {
  sha256: string;
  /** Served size: prefix + blob bytes after `prefixReplaces`. */
  size: number;
  /** Header fields served before the blob (CRLF-terminated fields), or null. */
  headerPrefix?: Buffer | null;
  /** How many leading blob bytes the prefix replaces (0: it only adds). */
  prefixReplaces?: number;
}

/** The ranges to read for served bytes [start, end): part of the prefix, then part of the blob. */
export function servedRanges(m: MessageSource, start = 0, end = m.size): { prefix: [number, number] | null; blob: [number, number] | null } {
  const p = m.headerPrefix?.length ?? 0;
  const skip = m.prefixReplaces ?? 0;
  const s = Math.max(0, start);
  const e = Math.min(end, m.size);
  if (e <= s) return { prefix: null, blob: null };
  const prefix: [number, number] | null = s < p ? [s, Math.min(e, p)] : null;
  const blob: [number, number] | null = e > p ? [Math.max(s, p) - p + skip, e - p + skip] : null;
  return { prefix, blob };
}

function shiftNode(n: MimeNode, delta: number, isRoot: boolean): MimeNode {
  const out: MimeNode = {
    ...n,
    headerStart: isRoot ? n.headerStart : n.headerStart + delta,
    bodyStart: n.bodyStart + delta,
    end: n.end + delta,
  };
  if (n.children) out.children = n.children.map((c) => shiftNode(c, delta, false));
  if (n.message) out.message = { envelope: n.message.envelope, root: shiftNode(n.message.root, delta, false) };
  return out;
}

/** The unfolded value of the first field `name` in a prefix, or null. */
function prefixField(prefix: Buffer, name: string): string | null {
  const text = prefix.toString('utf8'); // as the stored index reads header text
  const m = new RegExp(`(?:^|\\r?\\n)${name}:([^\\r\\n]*(?:\\r?\\n[ \\t][^\\r\\n]*)*)`, 'i').exec(text);
  return m ? m[1].replace(/\r?\n/g, '') : null;
}

/** The Sender: of a prefix, as an ENVELOPE address list (null when the prefix has none). */
function prefixSender(prefix: Buffer): Envelope['sender'] {
  const v = prefixField(prefix, 'sender');
  if (v === null) return null;
  const list = parseAddressList(v);
  return list && list.length ? list : null;
}

/** A stored index moved to the served offsets (the prefix is part of the top-level header). */
export function servedIndex(index: MessageIndex, m: MessageSource): MessageIndex {
  const p = m.headerPrefix?.length ?? 0;
  const delta = p - (m.prefixReplaces ?? 0);
  if (!p && !delta) return index;
  const sender = p ? prefixSender(m.headerPrefix!) : null;
  // A stage that rewrote the Subject (the impersonation warning) put it in the prefix.
  const subject = p ? prefixField(m.headerPrefix!, 'subject') : null;
  let envelope = sender ? { ...index.envelope, sender } : index.envelope;
  if (subject !== null) envelope = { ...envelope, subject: subject.trim() || null };
  return {
    ...index,
    size: index.size + delta,
    headerSize: index.headerSize + delta,
    root: shiftNode(index.root, delta, true),
    envelope,
  };
}
