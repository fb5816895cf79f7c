// The streaming MIME structure parser run once per message at ingest.
// Owns: walking the raw bytes line by line in any chunking, recognising header blocks,
// boundary delimiters (RFC 2046 5.1.1: the line break before "--boundary" belongs to the
// delimiter), multipart nesting, embedded message/rfc822 (and message/global) messages,
// the byte offsets and line counts of every part, and handing text parts to the search
// text collectors. Never throws on bad input: broken structure yields a best-effort tree.
//
// Memory is bounded: a line is buffered only up to MAX_DELIMITER_LINE bytes in a body
// (longer lines cannot be delimiters and are streamed through), header blocks are kept up
// to MAX_HEADER_BYTES per part, and decoded text for search up to TEXT_BUDGET_BYTES.
//
// Hostile structure is bounded too (Dovecot's limits, MimeIndexerOptions): at most
// maxDepth nesting levels (the root is level 0; a multipart or message/rfc822 part at
// that level is indexed as an opaque text/plain leaf, or message with an empty embedded
// message, its bytes still exact) and maxParts parts created in all (once a delimiter
// would create one more, delimiters are no longer recognised: the rest of the message is
// the body of the part it falls in). MessageIndex.truncated says which limit was hit.
// Time per line does not depend on the number of open multiparts (boundaries.ts). The
// top-level header section is counted (headerTooLarge) beyond what is kept.
//
// Best-effort rules (documented for the IMAP side):
// - A multipart without a usable boundary parameter, or in which no delimiter line is ever
//   found, is indexed as text/plain (its "boundary" parameter dropped), so the content stays
//   readable. Dovecot instead shows an empty text/plain child; we prefer not to hide text.
// - A missing close delimiter ends the open parts at the end of the enclosing part/message.
// - Delimiter lines may carry trailing whitespace. After the close delimiter, further
//   delimiters of the same boundary are epilogue text.
// - A part whose header is not ended by an empty line before the next delimiter (or EOF) has
//   header = [headerStart, end) and an empty body.
// - A part with an empty body right before a delimiter shares its blank line's line break
//   with that delimiter: it ends at the delimiter line, and so do the parts enclosing it that
//   close there (never before their own content).
// - message/rfc822 with a base64/quoted-printable encoding cannot be parsed in place: like
//   Dovecot, its embedded message is an empty text/plain part with an empty envelope.
import { buildEnvelope, emptyEnvelope, normalizeMessageId, sentDateOf } from './message-headers.ts';
import { splitHeaderFields, type HeaderField } from './header-block.ts';
import { contentFields } from './part-headers.ts';
import { buildSearchText, embeddedHeaderText, type PartText } from './search-text.ts';
import { TextCollector, type TextBudget } from './text-collector.ts';
import { OpenBoundaries } from './boundaries.ts';
import { demoteToText, newFrame, newNode, type Frame } from './frame.ts';
import { MAX_DELIMITER_LINE, MAX_HEADER_BYTES, MAX_HEADER_SECTION, MAX_MIME_DEPTH, MAX_MIME_PARTS, PREAMBLE_BUDGET_BYTES, TEXT_BUDGET_BYTES, type MimeIndexerOptions } from './limits.ts';
import type { Envelope, MessageIndex, MimeNode } from './types.ts';

export { MAX_DELIMITER_LINE, MAX_HEADER_BYTES, MAX_HEADER_SECTION, MAX_MIME_DEPTH, MAX_MIME_PARTS, TEXT_BUDGET_BYTES, type MimeIndexerOptions };

const IDENTITY_ENCODINGS = new Set([undefined, '7bit', '8bit', 'binary']);

export class MimeIndexer {
  private pos = 0;
  private lf = 0;
  private prevEolLen = 0;
  private pendingEol = false;
  private ended = false;

  // the line being assembled across write() calls (our own copy, grown by doubling)
  private lineBuf: Buffer = Buffer.alloc(0);
  private lineKept = 0;
  private lineLen = 0;
  private lineStart = 0;
  /** The last byte fed of the current line was CR (the line may be truncated). */
  private lineEndsCR = false;
  private longLine = false;
  private heldCR = false;

  private readonly stack: Frame[] = [];
  private readonly root: MimeNode;
  private readonly rootFrame: Frame;
  private readonly boundaries = new OpenBoundaries();
  private readonly maxDepth: number;
  private readonly maxParts: number;
  private readonly maxHeaderSize: number;
  private partCount = 1;
  /** The parts limit was hit: no delimiter is recognised any more. */
  private frozen = false;
  private truncated: 'depth' | 'parts' | undefined;
  private readonly budget: TextBudget = { remaining: TEXT_BUDGET_BYTES };
  private readonly parts: PartText[] = [];
  private rootEnvelope: Envelope = emptyEnvelope();
  private rootHeader: { block: Buffer; fields: HeaderField[] } = { block: Buffer.alloc(0), fields: [] };

  constructor(options: MimeIndexerOptions = {}) {
    this.maxDepth = Math.max(0, options.maxDepth ?? MAX_MIME_DEPTH);
    this.maxParts = Math.max(1, options.maxParts ?? MAX_MIME_PARTS);
    this.maxHeaderSize = options.maxHeaderSize ?? MAX_HEADER_SECTION;
    this.root = newNode(0);
    this.rootFrame = newFrame(this.root, true, false);
    this.stack.push(this.rootFrame);
  }

  /** Bytes of the top-level header section so far (all bytes fed while it has not ended). */
  get headerSectionSize(): number {
    return this.rootFrame.state === 'header' && !this.ended ? this.pos : this.root.bodyStart;
  }

  /**
   * The top-level header section is larger than options.maxHeaderSize. Known as soon as
   * that many header bytes have been written, so a receiver may stop early.
   */
  get headerTooLarge(): boolean {
    return this.headerSectionSize > this.maxHeaderSize;
  }

  /** Feed the next bytes of the message, in any chunking. */
  write(chunk: Uint8Array): void {
    if (this.ended) throw new Error('MimeIndexer: write() after end()');
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let i = 0;
    while (i < buf.length) {
      const nl = buf.indexOf(0x0a, i);
      const stop = nl === -1 ? buf.length : nl + 1;
      this.feed(buf.subarray(i, stop), nl !== -1);
      i = stop;
    }
  }

  /** End of the message: returns its index. */
  end(): MessageIndex {
    if (this.ended) throw new Error('MimeIndexer: end() called twice');
    if (this.lineLen > 0 || this.heldCR) this.completeLine(this.lineBuf.subarray(0, this.lineKept), false);
    this.ended = true;
    const top = this.stack[this.stack.length - 1];
    if (this.pendingEol && top.state === 'body' && top.collector) top.collector.eol();
    this.pendingEol = false;
    while (this.stack.length > 0) this.closeTop(this.pos, this.lf);
    const env = this.rootEnvelope;
    const index: MessageIndex = {
      size: this.pos,
      headerSize: this.root.bodyStart,
      root: this.root,
      envelope: env,
      sentDate: sentDateOf(env),
      messageId: normalizeMessageId(env.messageId),
      search: buildSearchText(this.rootHeader.block, this.rootHeader.fields, env, this.parts),
    };
    if (this.truncated !== undefined) index.truncated = this.truncated;
    if (this.headerTooLarge) index.headerTooLarge = true;
    return index;
  }

  // ---- line assembly ----

  private feed(piece: Buffer, completes: boolean): void {
    if (this.longLine) {
      this.pos += piece.length;
      this.lineLen += piece.length;
      this.longFragment(piece, completes);
      return;
    }
    this.pos += piece.length;
    const top = this.stack[this.stack.length - 1];
    const keepLimit = top.state === 'header' ? MAX_HEADER_BYTES : Infinity;
    if (completes && this.lineLen === 0) {
      // the whole line is in this piece: no copy
      this.lineLen = piece.length;
      this.lineKept = Math.min(piece.length, keepLimit);
      this.lineEndsCR = piece.length >= 2 && piece[piece.length - 2] === 0x0d;
      this.completeLine(piece.subarray(0, this.lineKept), true);
      return;
    }
    const crBeforeLF = completes && (piece.length >= 2 ? piece[piece.length - 2] === 0x0d : this.lineEndsCR);
    this.lineLen += piece.length;
    this.lineEndsCR = completes ? crBeforeLF : piece.length > 0 && piece[piece.length - 1] === 0x0d;
    const room = keepLimit - this.lineKept;
    if (room > 0) {
      const kept = piece.length <= room ? piece : piece.subarray(0, room);
      if (this.lineKept + kept.length > this.lineBuf.length) {
        const grown = Buffer.allocUnsafe(Math.max(256, 2 * (this.lineKept + kept.length)));
        this.lineBuf.copy(grown, 0, 0, this.lineKept);
        this.lineBuf = grown;
      }
      kept.copy(this.lineBuf, this.lineKept);
      this.lineKept += kept.length;
    }
    if (completes) {
      this.completeLine(this.lineBuf.subarray(0, this.lineKept), true);
    } else if (top.state === 'body' && this.lineLen > MAX_DELIMITER_LINE) {
      // too long to be a delimiter: stream it through as body content
      this.longLine = true;
      if (this.pendingEol) this.sinkEol();
      this.pendingEol = false;
      const data = this.lineBuf.subarray(0, this.lineKept);
      this.lineKept = 0;
      this.longFragment(data, false);
    }
  }

  /** A fragment of a long body line; `completes` when it ends with the line's LF. */
  private longFragment(piece: Buffer, completes: boolean): void {
    let data = piece;
    if (this.heldCR) {
      this.heldCR = false;
      if (completes && piece.length === 1) {
        // "\r" + "\n": the line break
        this.finishLongLine(2);
        return;
      }
      this.sinkContent(Buffer.from([0x0d]));
    }
    if (completes) {
      const eolLen = data.length >= 2 && data[data.length - 2] === 0x0d ? 2 : 1;
      this.sinkContent(data.subarray(0, data.length - eolLen));
      this.finishLongLine(eolLen);
      return;
    }
    if (data.length > 0 && data[data.length - 1] === 0x0d) {
      this.heldCR = true;
      data = data.subarray(0, data.length - 1);
    }
    this.sinkContent(data);
  }

  private finishLongLine(eolLen: number): void {
    this.longLine = false;
    this.lineEndsCR = false;
    this.lf++;
    this.prevEolLen = eolLen;
    this.pendingEol = true;
    this.lineStart = this.pos;
    this.lineLen = 0;
  }

  /** `line`: the kept bytes of the line (all of it unless a header line was too long). */
  private completeLine(line: Buffer, hasLF: boolean): void {
    if (this.longLine) {
      // EOF inside a long line
      if (this.heldCR) this.sinkContent(Buffer.from([0x0d]));
      this.heldCR = false;
      this.longLine = false;
      this.prevEolLen = 0;
      this.pendingEol = false;
      this.lineStart = this.pos;
      this.lineLen = 0;
      return;
    }
    const truncated = line.length < this.lineLen;
    const start = this.lineStart;
    const total = this.lineLen;
    const eolLen = hasLF ? (this.lineEndsCR ? 2 : 1) : 0;
    const lfBefore = this.lf;
    const prevEol = this.prevEolLen;
    this.lineKept = 0;
    this.lineEndsCR = false;
    this.lineLen = 0;
    this.lineStart = start + total;
    this.lf += hasLF ? 1 : 0;
    this.prevEolLen = eolLen;
    const content = truncated ? line : line.subarray(0, line.length - eolLen);
    this.processLine(line, content, truncated, start, total, hasLF, lfBefore, prevEol);
  }

  // ---- structure ----

  private processLine(line: Buffer, content: Buffer, truncated: boolean, start: number, total: number, hasLF: boolean, lfBefore: number, prevEol: number): void {
    if (!truncated && !this.frozen && content.length <= MAX_DELIMITER_LINE && content.length >= 2 && content[0] === 0x2d && content[1] === 0x2d) {
      const hit = this.boundaries.match(content);
      if (hit && !hit.close && this.partCount >= this.maxParts) {
        this.freeze(); // and the line is content of the current part
      } else if (hit) {
        this.delimiter(hit.level, hit.close, start, total, lfBefore, prevEol);
        return;
      }
    }
    const top = this.stack[this.stack.length - 1];
    if (top.state === 'header') {
      if (content.length === 0 && !truncated) {
        this.endHeader(top, start + total, lfBefore + (hasLF ? 1 : 0));
        return;
      }
      if (top.headerKept < MAX_HEADER_BYTES) {
        top.headerChunks.push(Buffer.from(line));
        top.headerKept += line.length;
      }
      return;
    }
    if (top.collector) {
      if (this.pendingEol) top.collector.eol();
      top.collector.content(content);
    }
    this.pendingEol = hasLF;
  }

  private sinkContent(b: Buffer): void {
    const top = this.stack[this.stack.length - 1];
    if (top.state === 'body' && top.collector && b.length) top.collector.content(b);
  }

  private sinkEol(): void {
    const top = this.stack[this.stack.length - 1];
    if (top.state === 'body' && top.collector) top.collector.eol();
  }

  private delimiter(index: number, close: boolean, start: number, total: number, lfBefore: number, prevEol: number): void {
    // the line break before the delimiter belongs to the delimiter
    let endOff = start - prevEol;
    let lfAtEnd = lfBefore - (prevEol > 0 ? 1 : 0);
    while (this.stack.length - 1 > index) {
      // A part that ends with an empty body shares that line break with the delimiter
      // (its blank line is also "CRLF --boundary"): it then ends at the delimiter line,
      // and so must every enclosing part that closes here.
      const end = this.closeTop(endOff, lfAtEnd);
      if (end > endOff) {
        endOff = end;
        lfAtEnd = lfBefore;
      }
    }
    const m = this.stack[index];
    if (!m.sawDelimiter) {
      m.sawDelimiter = true;
      m.collector = null; // the preamble is not content
    }
    this.pendingEol = false;
    if (close) {
      m.epilogue = true;
      this.boundaries.close(m.boundary!, index);
      return;
    }
    const child = newNode(start + total);
    m.node.children!.push(child);
    this.partCount++;
    this.stack.push(newFrame(child, false, m.node.subtype === 'digest'));
  }

  /** Parse the collected header of `f` into its node (and envelope). */
  private applyHeader(f: Frame): void {
    const block = f.headerChunks.length === 1 ? f.headerChunks[0] : Buffer.concat(f.headerChunks);
    f.headerChunks = [];
    const { fields } = splitHeaderFields(block);
    Object.assign(f.node, contentFields(block, fields, f.inDigest ? ['message', 'rfc822'] : ['text', 'plain']));
    if (!f.isMessageRoot) return;
    const env = buildEnvelope(block, fields);
    if (f.holder) {
      f.holder.envelope = env;
      const text = this.spend(embeddedHeaderText(env));
      if (text !== '') this.parts.push({ text, html: false, alternative: null });
    } else {
      this.rootEnvelope = env;
      this.rootHeader = { block, fields };
    }
  }

  private endHeader(f: Frame, bodyStart: number, lfAtBodyStart: number): void {
    this.applyHeader(f);
    const node = f.node;
    node.bodyStart = bodyStart;
    node.end = bodyStart;
    f.lfAtBodyStart = lfAtBodyStart;
    f.state = 'body';
    this.pendingEol = false;

    // the frame is on top of the stack, so its nesting level is its index
    const atDepthLimit = this.stack.length - 1 >= this.maxDepth;
    let opaque = false;
    if (node.type === 'multipart') {
      const boundary = (node.params['boundary'] ?? '').replace(/[ \t]+$/, '');
      if (boundary !== '' && boundary.length <= MAX_DELIMITER_LINE - 4) {
        if (atDepthLimit || this.frozen) {
          // no parts past the depth limit, nor any more delimiters once the parts limit is hit
          if (!this.frozen) this.truncated ??= 'depth';
          opaque = true;
        } else {
          f.kind = 'multipart';
          f.boundary = Buffer.from(boundary, 'utf8');
          this.boundaries.open(f.boundary, this.stack.length - 1);
          node.children = [];
          // kept only in case no delimiter ever shows up
          f.collector = new TextCollector(node.encoding, { remaining: Math.min(PREAMBLE_BUDGET_BYTES, this.budget.remaining) });
          f.alternative = this.nearestAlternative();
          return;
        }
      }
      demoteToText(node);
    }

    if (node.type === 'message' && (node.subtype === 'rfc822' || node.subtype === 'global')) {
      const parseable = IDENTITY_ENCODINGS.has(node.encoding);
      if (parseable && atDepthLimit) {
        if (!this.frozen) this.truncated ??= 'depth';
        opaque = true;
      } else if (parseable && (this.frozen || this.partCount >= this.maxParts)) {
        this.freeze();
        opaque = true;
      } else if (parseable) {
        f.kind = 'message';
        this.partCount++;
        const root = newNode(bodyStart);
        const holder = { envelope: emptyEnvelope(), root };
        node.message = holder;
        const rf = newFrame(root, true, false);
        rf.holder = holder;
        this.stack.push(rf);
        return;
      }
      const root = newNode(bodyStart);
      node.message = { envelope: emptyEnvelope(), root };
    }

    f.kind = 'leaf';
    if (!opaque && node.type === 'text' && (node.subtype === 'plain' || node.subtype === 'html')) {
      f.collector = new TextCollector(node.encoding, this.budget);
      f.html = node.subtype === 'html';
      f.alternative = this.nearestAlternative();
    }
  }

  /** One part too many: from here on the rest of the message belongs to the current part. */
  private freeze(): void {
    this.frozen = true;
    this.truncated = 'parts';
  }

  /** `text` within what is left of the message's text budget, which it uses up. */
  private spend(text: string): string {
    const t = text.length <= this.budget.remaining ? text : text.slice(0, Math.max(0, this.budget.remaining));
    this.budget.remaining = Math.max(0, this.budget.remaining - t.length);
    return t;
  }

  /**
   * The nearest multipart/alternative among the open ancestors of the top frame (within one
   * message). A multipart frame's `alternative` is its own such ancestor, so the parent
   * answers in O(1): only a multipart has parts, and an embedded message starts afresh.
   */
  private nearestAlternative(): object | null {
    const p = this.stack[this.stack.length - 2];
    if (p === undefined || p.kind !== 'multipart') return null;
    return p.node.subtype === 'alternative' ? p.node : p.alternative;
  }

  /** Close the innermost open part at `endOff`; returns where it actually ends (never before its body). */
  private closeTop(endOff: number, lfAtEnd: number): number {
    const f = this.stack.pop()!;
    const node = f.node;
    if (f.kind === 'multipart' && !f.epilogue) this.boundaries.close(f.boundary!, this.stack.length);
    if (f.state === 'header') {
      // the header never ended: it runs to the end of the part, the body is empty
      this.applyHeader(f);
      const at = Math.max(node.headerStart, endOff);
      node.bodyStart = at;
      node.end = at;
      node.bodyLines = 0;
      if (node.type === 'multipart') demoteToText(node);
      if (node.type === 'message' && (node.subtype === 'rfc822' || node.subtype === 'global')) {
        node.message = { envelope: emptyEnvelope(), root: newNode(at) };
      }
      return at;
    }
    node.end = Math.max(endOff, node.bodyStart);
    node.bodyLines = endOff <= node.bodyStart ? 0 : Math.max(0, lfAtEnd - f.lfAtBodyStart);
    if (f.kind === 'multipart' && node.children!.length === 0) {
      demoteToText(node);
      if (f.collector) this.parts.push({ text: this.spend(f.collector.finish(node.params['charset'], false)), html: false, alternative: null });
      return node.end;
    }
    if (f.kind === 'leaf' && f.collector) {
      this.parts.push({ text: f.collector.finish(node.params['charset'], f.html), html: f.html, alternative: f.alternative });
    }
    return node.end;
  }
}

/** Index a message held in memory (one chunk). */
export function indexMessage(raw: Uint8Array, options?: MimeIndexerOptions): MessageIndex {
  const ix = new MimeIndexer(options);
  ix.write(raw);
  return ix.end();
}
