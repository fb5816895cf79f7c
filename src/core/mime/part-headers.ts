// The Content-* header fields of one MIME part → the descriptive fields of its MimeNode.
// Owns: Content-Type (with the default when absent or unparseable), Content-Transfer-
// Encoding, Content-ID, -Description, -MD5, -Language, -Location and -Disposition.
// As in Dovecot, the first occurrence of each Content-* field is the one used.
// Also: the attachment file name as a person would read it.
import { decodeEncodedWords } from './encoded-words.ts';
import { rawFieldValue, type HeaderField } from './header-block.ts';
import { isMimeToken, parseContentType, parseParameterizedValue } from './params.ts';
import type { MimeNode } from './types.ts';

export type ContentFields = Pick<MimeNode, 'type' | 'subtype' | 'params' | 'id' | 'description' | 'encoding' | 'md5' | 'language' | 'location' | 'disposition' | 'spelling'>;

function firstToken(value: string): string | undefined {
  const m = /^[\s]*(?:\([^)]*\)\s*)*([!#$%&'*+\-.^_`{|}~0-9A-Za-z]+)/.exec(value);
  return m ? m[1] : undefined;
}

function parseLanguage(value: string): string[] | undefined {
  const langs = value
    .replace(/\([^)]*\)/g, ' ')
    .split(',')
    .map((x) => x.trim().split(/\s+/)[0] ?? '')
    .filter((x) => x !== '' && isMimeToken(x));
  return langs.length > 0 ? langs : undefined;
}

/**
 * @param defaultType the type when Content-Type is absent or broken:
 *   ['text','plain'], or ['message','rfc822'] for the parts of a multipart/digest.
 */
export function contentFields(block: Uint8Array, fields: HeaderField[], defaultType: [string, string]): ContentFields {
  const first = new Map<string, HeaderField>();
  for (const f of fields) {
    if (f.lname.startsWith('content-') && !first.has(f.lname)) first.set(f.lname, f);
  }
  const value = (n: string): string | undefined => {
    const f = first.get(n);
    return f ? rawFieldValue(block, f) : undefined;
  };

  const out: ContentFields = { type: defaultType[0], subtype: defaultType[1], params: {} };
  const spelling = new Map<string, string>();
  const spelled = (token: string): string => {
    const lower = token.toLowerCase();
    if (token !== lower && !spelling.has(lower)) spelling.set(lower, token);
    return lower;
  };
  const ct = value('content-type');
  if (ct !== undefined) {
    const parsed = parseContentType(ct);
    if (parsed.type !== null && parsed.subtype !== null) {
      out.type = spelled(parsed.type);
      out.subtype = spelled(parsed.subtype);
    }
    out.params = parsed.params;
    for (const name of Object.values(parsed.names)) spelled(name);
  }
  const cte = value('content-transfer-encoding');
  if (cte !== undefined) {
    const tok = firstToken(cte);
    if (tok) out.encoding = spelled(tok);
  }
  const id = value('content-id');
  if (id !== undefined) out.id = id;
  const desc = value('content-description');
  if (desc !== undefined) out.description = desc;
  const md5 = value('content-md5');
  if (md5 !== undefined) out.md5 = md5;
  const loc = value('content-location');
  if (loc !== undefined) out.location = loc;
  const lang = value('content-language');
  if (lang !== undefined) {
    const l = parseLanguage(lang);
    if (l) out.language = l;
  }
  const disp = value('content-disposition');
  if (disp !== undefined) {
    const p = parseParameterizedValue(disp);
    if (isMimeToken(p.value)) {
      out.disposition = { type: spelled(p.value), params: p.params };
      for (const name of Object.values(p.names)) spelled(name);
    }
  }
  if (spelling.size > 0) out.spelling = Object.fromEntries(spelling);
  return out;
}

/**
 * The file name of a part for display (Content-Disposition filename, else Content-Type
 * name), with RFC 2047 encoded-words decoded; null when there is none.
 */
export function partFilename(node: Pick<MimeNode, 'params' | 'disposition'>): string | null {
  const raw = node.disposition?.params['filename'] ?? node.params['name'];
  if (raw === undefined || raw === '') return null;
  return decodeEncodedWords(raw).normalize('NFC');
}
