// Collects the decoded text of one text/plain or text/html part for the search index.
// Owns: transfer decoding into a byte buffer limited by a budget shared by the whole
// message (so memory stays bounded however large the message is), then charset decoding
// (declared charset; for HTML without one, a <meta charset> in the document), HTML → text,
// newline and NFC normalisation.
import { decodeBytes } from './charset.ts';
import { htmlToText } from './html-text.ts';
import { createTransferDecoder, type TransferDecoder } from './transfer-decoder.ts';

/** Decoded bytes the message may still collect. Shared by all collectors of one message. */
export interface TextBudget {
  remaining: number;
}

const EMPTY = Buffer.alloc(0);

export class TextCollector {
  /** Decoded bytes so far: [0, length) of a buffer grown by doubling (one copy per byte, few objects). */
  private bytes: Buffer = EMPTY;
  private length = 0;
  private readonly decoder: TransferDecoder;
  private full = false;

  constructor(
    encoding: string | undefined,
    private readonly budget: TextBudget,
  ) {
    this.decoder = createTransferDecoder(encoding, (b) => this.take(b));
  }

  private take(b: Buffer): void {
    if (this.full || b.length === 0) return;
    if (b.length >= this.budget.remaining) {
      b = b.subarray(0, this.budget.remaining);
      this.full = true;
    }
    this.budget.remaining -= b.length;
    // copy: the decoder may hand out views of buffers the caller reuses
    if (this.length + b.length > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(256, 2 * (this.length + b.length)));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    b.copy(this.bytes, this.length);
    this.length += b.length;
  }

  content(bytes: Buffer): void {
    if (!this.full) this.decoder.content(bytes);
  }

  eol(): void {
    if (!this.full) this.decoder.eol();
  }

  /** The part's text, decoded, NFC, "\n" line breaks. */
  finish(charset: string | undefined, html: boolean): string {
    if (!this.full) this.decoder.end();
    const bytes = this.bytes.subarray(0, this.length);
    this.bytes = EMPTY;
    this.length = 0;
    let cs = charset;
    if (!cs && html) {
      const head = bytes.subarray(0, 4096).toString('latin1');
      const m = /<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]{1,40})/i.exec(head);
      if (m) cs = m[1];
    }
    let text = decodeBytes(bytes, cs ?? null).replace(/\r\n?/g, '\n');
    if (html) text = htmlToText(text);
    return text.normalize('NFC');
  }
}
