// A stored message as Sieve's tests see it (interpret.ts's SieveMessage): header fields by name,
// the size, the envelope, and the body in the three transforms of RFC 5173 (raw; every text part
// decoded; the parts of given content types decoded). Built from the message bytes and the MIME
// index the core already made; decoding a part happens only when a `body` test asks.
// Owns: the message view of the Sieve interpreter.
import { decodeBytes, htmlToText, rawFieldValue, splitHeaderFields, type MessageIndex, type MimeNode } from '../mime/index.ts';
import { decodeTransferBody } from '../mime/transfer-decoder.ts';
import type { SieveMessage } from './interpret.ts';

function decodePart(raw: Buffer, node: MimeNode): string {
  return decodeBytes(decodeTransferBody(raw.subarray(node.bodyStart, node.end), node.encoding), node.params.charset ?? null);
}

function leaves(node: MimeNode, out: MimeNode[] = []): MimeNode[] {
  if (node.children) for (const c of node.children) leaves(c, out);
  else out.push(node);
  return out;
}

/** RFC 5173 5.2: "text" matches text/*, "text/plain" that type, "" every part. */
function typeMatches(node: MimeNode, types: string[]): boolean {
  return types.some((t) => {
    const [type, sub] = t.toLowerCase().split('/');
    if (!type) return true;
    return node.type === type && (sub === undefined || sub === node.subtype);
  });
}

/** `size`: the whole message's size when `raw` holds only its header section. */
export function sieveMessage(raw: Buffer, index: MessageIndex, envelope: { from: string; to: string }, size = raw.length): SieveMessage {
  const headerBlock = raw.subarray(0, index.headerSize);
  const fields = splitHeaderFields(headerBlock).fields;
  const byName = new Map<string, string[]>();
  for (const f of fields) {
    if (!f.lname) continue;
    let list = byName.get(f.lname);
    if (!list) byName.set(f.lname, (list = []));
    list.push(rawFieldValue(headerBlock, f).trim());
  }
  return {
    size,
    envelope,
    header: (name) => byName.get(name.toLowerCase()) ?? [],
    body(t) {
      if (t.kind === 'raw') return [raw.subarray(index.headerSize).toString('utf8')];
      if (t.kind === 'text')
        return leaves(index.root)
          .filter((n) => n.type === 'text')
          .map((n) => (n.subtype === 'html' ? htmlToText(decodePart(raw, n)) : decodePart(raw, n)));
      return leaves(index.root)
        .filter((n) => typeMatches(n, t.types))
        .map((n) => decodePart(raw, n));
    },
  };
}
