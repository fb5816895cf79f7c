// Owns: messages' ENVELOPE as IMAP sends it (RFC 3501 7.4.2), kept in memory by content, for the
// FETCH of many envelopes a client's folder listing makes ("FETCH 1:* (UID FLAGS ENVELOPE)").
// Building one meant reading the message's whole stored MIME index from the database and parsing
// it: most of such a FETCH's time over a large folder. Here each content's envelope is serialized
// once (protocol/envelope.ts, protocol/serialize.ts: quoted strings, or literals for 8-bit text)
// and kept as wire bytes (a one-byte "latin1" string, so it joins the response text as is).
//
// A content's envelope never changes (a stored message is immutable) and does not depend on the
// session, so the texts are shared by all sessions and need no invalidation. What a message shows
// may differ from its content's envelope only when header fields served in front of its blob
// replace Sender: or Subject: (core/served-message.ts): those are built each time, not kept.
// At most `maxBytes` of text is kept; past it the texts kept longest go first.
//
// A folder's listing (FETCH 1:* with ENVELOPE, from the folder's table: no content named) finds
// them by UID: each folder's index gives a message's text by UID, checked against its size and date.
// A message keeps its UID, content and served header fields while it is in a folder, and a folder's
// index is kept under its id and UIDVALIDITY (a folder made again, or renamed, starts a new one).
// At most `maxIndexed` messages are indexed; past it the folders used least recently go first.
import type { MailStore, MessageMeta } from '../core/mailstore.ts';
import { envelopeValue } from './protocol/envelope.ts';
import { WireWriter } from './protocol/serialize.ts';

/** Header fields in front of a blob that change what its ENVELOPE shows (servedIndex). */
const CHANGES_ENVELOPE = /(?:^|\n)(?:sender|subject)[ \t]*:/i;

/** Whether a message's ENVELOPE is its content's (nothing served in front of it replaces a field). */
export function envelopeIsContents(m: Pick<MessageMeta, 'headerPrefix'>): boolean {
  return !m.headerPrefix?.length || !CHANGES_ENVELOPE.test(m.headerPrefix.toString('latin1'));
}

/** The envelope of a served index as wire bytes, in a one-byte string. */
function wireText(value: ReturnType<typeof envelopeValue>): string {
  const w = new WireWriter();
  w.value(value);
  const chunks = w.take();
  return (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('latin1');
}

/** A message's ENVELOPE in a folder's index, with what tells it is the same message. */
interface Indexed {
  size: number;
  internalDate: number;
  text: string;
}

export class EnvelopeTexts {
  private readonly byContent = new Map<string, string>();
  private bytes = 0;
  /** Each folder's index, by "id/UIDVALIDITY", used least recently first. */
  private readonly byFolder = new Map<string, Map<number, Indexed>>();
  private indexed = 0;
  /** Envelopes found here and built (tests, the profile). */
  readonly stats = { kept: 0, built: 0, byUid: 0 };

  constructor(
    private readonly store: Pick<MailStore, 'indexesOf'>,
    private readonly maxBytes = 16 * 1024 * 1024,
    private readonly maxIndexed = 100_000,
  ) {}

  /**
   * The ENVELOPE of each of a folder's `rows` (rows of its table: UID, size and date, no content)
   * as wire bytes, found by UID: those not indexed yet are looked up (`lookup`: their full rows)
   * and found by content or built. Null when one has none (expunged meanwhile, its content gone).
   * `whole`: the rows are all of the folder's (those indexed and not among them have left it).
   */
  async ofFolder(
    folder: { id: number; uidvalidity: number },
    rows: readonly MessageMeta[],
    lookup: (uids: number[]) => Promise<MessageMeta[]>,
    whole = true,
  ): Promise<((m: MessageMeta) => string) | null> {
    const key = `${folder.id}/${folder.uidvalidity}`;
    let index = this.byFolder.get(key);
    if (index)
      this.byFolder.delete(key); // most recently used last
    else index = new Map();
    this.byFolder.set(key, index);
    const same = (m: MessageMeta, e: Indexed | undefined): e is Indexed => e !== undefined && e.size === m.size && e.internalDate === m.internalDate;
    const missing: number[] = [];
    for (const m of rows) if (!same(m, index.get(m.uid))) missing.push(m.uid);
    this.stats.byUid += rows.length - missing.length;
    for (let i = 0; i < missing.length; i += 2000) {
      const metas = await lookup(missing.slice(i, i + 2000));
      const texts = await this.of(metas);
      for (const [m, text] of texts) {
        if (!index.has(m.uid)) this.indexed++;
        index.set(m.uid, { size: m.size, internalDate: m.internalDate, text });
      }
    }
    for (const m of rows) if (!same(m, index.get(m.uid))) return null;
    if (whole && index.size > rows.length + 1000) this.dropGone(index, rows);
    this.trimIndexes(index);
    const found = index;
    return (m) => found.get(m.uid)!.text;
  }

  /** Messages no longer in the folder (`rows`: all of it) leave its index. */
  private dropGone(index: Map<number, Indexed>, rows: readonly MessageMeta[]): void {
    const present = new Set(rows.map((m) => m.uid));
    for (const uid of index.keys()) {
      if (present.has(uid)) continue;
      index.delete(uid);
      this.indexed--;
    }
  }

  /** Keep at most maxIndexed messages indexed: the folders used least recently go first (never `keep`). */
  private trimIndexes(keep: Map<number, Indexed>): void {
    for (const [k, index] of this.byFolder) {
      if (this.indexed <= this.maxIndexed) break;
      if (index === keep) continue;
      this.indexed -= index.size;
      this.byFolder.delete(k);
    }
  }

  /**
   * Each message's ENVELOPE as wire bytes (a one-byte string). A message whose index is gone (its
   * content reclaimed after an expunge) has none in the answer.
   */
  async of(metas: readonly MessageMeta[], batch = 500): Promise<Map<MessageMeta, string>> {
    const out = new Map<MessageMeta, string>();
    const missing: MessageMeta[] = [];
    for (const m of metas) {
      const text = envelopeIsContents(m) ? this.byContent.get(m.sha256) : undefined;
      if (text === undefined) missing.push(m);
      else out.set(m, text);
    }
    this.stats.kept += out.size;
    for (let i = 0; i < missing.length; i += batch) {
      const some = missing.slice(i, i + batch);
      const indexes = await this.store.indexesOf(some);
      for (const m of some) {
        const index = indexes.get(m);
        if (!index) continue;
        const text = wireText(envelopeValue(index.envelope));
        out.set(m, text);
        this.stats.built++;
        if (envelopeIsContents(m)) this.keep(m.sha256, text);
      }
    }
    return out;
  }

  private keep(sha256: string, text: string): void {
    if (this.byContent.has(sha256) || text.length > this.maxBytes) return;
    this.byContent.set(sha256, text);
    this.bytes += text.length;
    for (const [k, v] of this.byContent) {
      if (this.bytes <= this.maxBytes) break;
      this.byContent.delete(k);
      this.bytes -= v.length;
    }
  }
}
