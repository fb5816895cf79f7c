// FETCH BODY and BODYSTRUCTURE (RFC 3501 7.4.2) from the indexed MIME tree.
// Owns: the body / body-type-1part / body-type-mpart grammar, defaults and extension data.
//
// Choices (matching Dovecot 2.3 byte for byte on messages whose headers are lower-case,
// which is nearly all mail):
// - Strings are lower-case where the index normalised them: type, subtype, parameter
//   names, encoding, disposition type. Dovecot repeats the sender's case and writes its
//   defaults in lower case; RFC 3501's examples are upper-case. All of these are
//   case-insensitive (RFC 2045), and clients compare them that way.
// - Defaults: "text" "plain" for a missing/broken Content-Type; ("charset" "us-ascii")
//   added to text/* parts without a charset; "7bit" when Content-Transfer-Encoding is
//   absent; NIL for absent id/description/md5/disposition/language/location.
// - Parameter values that are not plain ASCII (decoded RFC 2231 values, raw 8-bit
//   values) are sent RFC 2231-encoded under "name*" as "UTF-8''…", the form Dovecot
//   passes through from such headers; ASCII values (including RFC 2047 encoded-words)
//   are sent as they are.
// - Sizes are raw byte counts of the stored blob (what BODY[section] returns); lines
//   are LF counts.
// - message/global is written as a basic body (RFC 3501 has no envelope form for it),
//   unless options.messageGlobal (IMAP4rev2 / UTF8=ACCEPT), where it is written like
//   message/rfc822.
import type { MimeNode } from '../../core/mime/types.ts';
import { envelopeValue } from './envelope.ts';
import type { ImapValue } from './value.ts';

export interface BodyStructureOptions {
  /** Write message/global like message/rfc822 (envelope, body, lines). Default false. */
  messageGlobal?: boolean;
}

const clean = (s: string): string => (s.includes('\0') ? s.replace(/\0/g, '') : s);
const nstring = (s: string | undefined): string | null => (s === undefined ? null : clean(s));

// RFC 2231 attribute-char: printable ASCII except SPACE, "*", "'", "%" and tspecials
const ATTRIBUTE_CHAR = /^[!#$&+\-.^_`{|}~0-9A-Za-z]$/;

function rfc2231Encode(value: string): string {
  let out = "UTF-8''";
  for (const b of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(b);
    out += b < 0x80 && ATTRIBUTE_CHAR.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function paramList(params: Record<string, string>, defaultCharset: boolean): ImapValue {
  const out: ImapValue[] = [];
  let sawCharset = false;
  for (const [k, v] of Object.entries(params)) {
    if (k === 'charset') sawCharset = true;
    if (/^[\x20-\x7e]*$/.test(v)) out.push(k, v);
    else out.push(`${k}*`, rfc2231Encode(v));
  }
  if (defaultCharset && !sawCharset) out.push('charset', 'us-ascii');
  return out.length > 0 ? out : null;
}

function extensionTail(node: MimeNode): ImapValue[] {
  const dsp: ImapValue = node.disposition ? [node.disposition.type, paramList(node.disposition.params, false)] : null;
  const lang: ImapValue = node.language && node.language.length > 0 ? node.language.map(clean) : null;
  return [dsp, lang, nstring(node.location)];
}

const EMPTY_PART: MimeNode = { headerStart: 0, bodyStart: 0, end: 0, bodyLines: 0, type: 'text', subtype: 'plain', params: {} };

/**
 * BODYSTRUCTURE (extended = true) or BODY (extended = false) of `node` (normally index.root).
 */
export function bodyStructureValue(node: MimeNode, extended: boolean, options: BodyStructureOptions = {}): ImapValue {
  if (node.type === 'multipart' && node.children !== undefined) {
    const kids = node.children.length > 0 ? node.children : [EMPTY_PART];
    const out: ImapValue[] = kids.map((c) => bodyStructureValue(c, extended, options));
    out.push(node.subtype);
    if (extended) out.push(paramList(node.params, false), ...extensionTail(node));
    return out;
  }
  const embedded =
    node.type === 'message' && node.message !== undefined &&
    (node.subtype === 'rfc822' || (node.subtype === 'global' && options.messageGlobal === true));
  const text = node.type === 'text';
  const out: ImapValue[] = [
    node.type,
    node.subtype,
    paramList(node.params, text),
    nstring(node.id),
    nstring(node.description),
    node.encoding ?? '7bit',
    node.end - node.bodyStart,
  ];
  if (text) out.push(node.bodyLines);
  else if (embedded) {
    out.push(envelopeValue(node.message!.envelope), bodyStructureValue(node.message!.root, extended, options), node.bodyLines);
  }
  if (extended) out.push(nstring(node.md5), ...extensionTail(node));
  return out;
}
