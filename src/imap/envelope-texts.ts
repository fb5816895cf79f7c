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

export class EnvelopeTexts {
  private readonly byContent = new Map<string, string>();
  private bytes = 0;
  /** Envelopes found here and built (tests, the profile). */
  readonly stats = { kept: 0, built: 0 };

  constructor(
    private readonly store: Pick<MailStore, 'indexesOf'>,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

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
