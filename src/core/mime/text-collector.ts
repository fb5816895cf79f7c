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

export class TextCollector {
  private readonly chunks: Buffer[] = [];
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
    this.chunks.push(Buffer.from(b));
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
    const bytes = Buffer.concat(this.chunks);
    this.chunks.length = 0;
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
