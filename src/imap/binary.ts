// Owns: RFC 3516 BINARY — a body part with its Content-Transfer-Encoding undone, for FETCH
// BINARY[part]<partial> and BINARY.SIZE[part]. A leaf part is decoded (base64, quoted-printable;
// 7bit, 8bit and binary as they are); a multipart or message part, and the whole message (an
// empty part), are their bytes as stored; an encoding the server does not know is answered
// NO [UNKNOWN-CTE]. The part is read whole: its decoded length is the literal's.
import type { MessageMeta } from '../core/mailstore.ts';
import type { MessageIndex, MimeNode } from '../core/mime/types.ts';
import { decodeTransferBody } from '../core/mime/transfer-decoder.ts';
import type { ImapStore } from './context.ts';
import { ImapError } from './errors.ts';

const KNOWN = new Set(['7bit', '8bit', 'binary', 'base64', 'quoted-printable']);

/** The MIME part a BINARY section names (RFC 3501 part numbering), or null. */
function partAt(root: MimeNode, path: number[]): MimeNode | null {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const n = path[i];
    if (node.children) {
      const c = node.children[n - 1];
      if (!c) return null;
      node = c;
    } else if (n !== 1) return null;
    if (i < path.length - 1 && node.message) node = node.message.root;
  }
  return node;
}

export async function binaryPart(store: Pick<ImapStore, 'readMessage'>, m: MessageMeta, index: MessageIndex | undefined, path: number[]): Promise<Buffer> {
  if (path.length === 0) return store.readMessage(m, 0, m.size);
  if (!index) throw new Error('index required');
  const node = partAt(index.root, path);
  if (!node) return Buffer.alloc(0); // RFC 3501: a part that does not exist is empty
  const raw = await store.readMessage(m, node.bodyStart, node.end);
  if (node.children || node.message) return raw;
  const cte = (node.encoding ?? '7bit').toLowerCase();
  if (!KNOWN.has(cte)) throw new ImapError('NO', `Không giải mã được kiểu mã hoá ${cte} / unknown Content-Transfer-Encoding ${cte}`, 'UNKNOWN-CTE');
  if (cte === '7bit' || cte === '8bit' || cte === 'binary') return raw;
  const decoded = decodeTransferBody(raw, cte);
  // quoted-printable's line breaks come out as "\n": text keeps its CRLF line ends.
  return cte === 'quoted-printable' ? Buffer.from(decoded.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1') : decoded;
}
