// The boundaries of the multiparts that are open while the indexer walks a message.
// Owns: recognising a body line as a boundary delimiter (RFC 2046 5.1.1: "--" boundary,
// or "--" boundary "--" for the close delimiter, then optional whitespace) of the innermost
// listening multipart, in time independent of how many multiparts are open (one map lookup
// per candidate instead of comparing the line with every open boundary).
//
// Matching rule (unchanged from the earlier per-frame scan): among the listening
// multiparts, the innermost (highest level) whose boundary matches the line wins; for one
// boundary a line is a delimiter when it is exactly "--" + boundary + LWSP*, and a close
// delimiter when it is exactly "--" + boundary + "--" + LWSP*. Boundaries never end in
// whitespace (the indexer trims it), so stripping the line's trailing whitespace gives at
// most two candidates: the rest, and the rest without a final "--".

export interface DelimiterHit {
  /** The level (stack index) of the multipart the delimiter belongs to. */
  level: number;
  close: boolean;
}

function isLwspByte(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

export class OpenBoundaries {
  /** Boundary bytes (as latin1, a byte-exact key) → levels listening for it, ascending. */
  private readonly byKey = new Map<string, number[]>();

  /** The multipart at `level` (higher than every level already open) listens for `boundary`. */
  open(boundary: Uint8Array, level: number): void {
    const key = Buffer.from(boundary.buffer, boundary.byteOffset, boundary.byteLength).toString('latin1');
    const levels = this.byKey.get(key);
    if (levels === undefined) this.byKey.set(key, [level]);
    else levels.push(level);
  }

  /** The multipart at `level` stops listening (closed, or in its epilogue). */
  close(boundary: Uint8Array, level: number): void {
    const key = Buffer.from(boundary.buffer, boundary.byteOffset, boundary.byteLength).toString('latin1');
    const levels = this.byKey.get(key);
    if (levels === undefined) return;
    const at = levels.lastIndexOf(level);
    if (at === -1) return;
    levels.splice(at, 1);
    if (levels.length === 0) this.byKey.delete(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** `content`: a line without its line break. The delimiter it is, or null. */
  match(content: Uint8Array): DelimiterHit | null {
    if (this.byKey.size === 0 || content.length < 3 || content[0] !== 0x2d || content[1] !== 0x2d) return null;
    let end = content.length;
    while (end > 2 && isLwspByte(content[end - 1])) end--;
    if (end === 2) return null;
    const rest = Buffer.from(content.buffer, content.byteOffset + 2, end - 2).toString('latin1');
    const open = this.byKey.get(rest);
    const openLevel = open === undefined ? -1 : open[open.length - 1];
    let closeLevel = -1;
    if (rest.length > 2 && rest.endsWith('--')) {
      const close = this.byKey.get(rest.slice(0, -2));
      if (close !== undefined) closeLevel = close[close.length - 1];
    }
    if (openLevel === -1 && closeLevel === -1) return null;
    return openLevel > closeLevel ? { level: openLevel, close: false } : { level: closeLevel, close: true };
  }
}
