// Owns: FETCH BODY and BODYSTRUCTURE (RFC 3501 7.4.2) from the indexed MIME tree.
// Owns: the body / body-type-1part / body-type-mpart grammar, defaults and extension data.
//
// Choices (Dovecot 2.3's, checked against a real Dovecot 2.3.19 on the test fixtures):
// - Case: type, subtype, parameter names, encoding and disposition type are written as the
//   sender wrote them (MimeNode.spelling); defaults are lower case ("text" "plain",
//   "charset" "us-ascii", "7bit") and message/rfc822 is always "message" "rfc822". Dovecot
//   does not upper-case (RFC 3501's examples do, but these tokens are case-insensitive).
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
import { run, type ImapValue } from './value.ts';

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

/** The token as the sender wrote it. */
function spelled(node: MimeNode, token: string): string {
  const s = node.spelling;
  return s !== undefined && Object.hasOwn(s, token) ? s[token] : token;
}

function paramList(node: MimeNode, params: Record<string, string>, defaultCharset: boolean): ImapValue {
  const out: ImapValue[] = [];
  let sawCharset = false;
  for (const [k, v] of Object.entries(params)) {
    if (k === 'charset') sawCharset = true;
    const name = clean(spelled(node, k));
    if (/^[\x20-\x7e]*$/.test(v)) out.push(name, v);
    else out.push(`${name}*`, rfc2231Encode(v));
  }
  if (defaultCharset && !sawCharset) out.push('charset', 'us-ascii');
  return out.length > 0 ? out : null;
}

function extensionTail(node: MimeNode): ImapValue[] {
  const dsp: ImapValue = node.disposition ? [clean(spelled(node, node.disposition.type)), paramList(node, node.disposition.params, false)] : null;
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
    // body-type-mpart = 1*body SP media-subtype: the parts follow each other without a space.
    const out: ImapValue[] = [run(kids.map((c) => bodyStructureValue(c, extended, options)))];
    out.push(clean(spelled(node, node.subtype)));
    if (extended) out.push(paramList(node, node.params, false), ...extensionTail(node));
    return out;
  }
  const embedded = node.type === 'message' && node.message !== undefined && (node.subtype === 'rfc822' || (node.subtype === 'global' && options.messageGlobal === true));
  const text = node.type === 'text';
  const out: ImapValue[] = [
    embedded ? 'message' : clean(spelled(node, node.type)),
    embedded ? node.subtype : clean(spelled(node, node.subtype)),
    paramList(node, node.params, text),
    nstring(node.id),
    nstring(node.description),
    node.encoding === undefined ? '7bit' : clean(spelled(node, node.encoding)),
    node.end - node.bodyStart,
  ];
  if (text) out.push(node.bodyLines);
  else if (embedded) {
    out.push(envelopeValue(node.message!.envelope), bodyStructureValue(node.message!.root, extended, options), node.bodyLines);
  }
  if (extended) out.push(nstring(node.md5), ...extensionTail(node));
  return out;
}
