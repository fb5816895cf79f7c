// The base subject of RFC 5256 §2.1, which SORT SUBJECT and both THREAD algorithms compare:
// encoded-words decoded, white space collapsed, then "Re:", "Fwd:", "[list]" leaders, "(fwd)"
// trailers and "[fwd: …]" wrappers peeled off until none is left. Pure.
// Owns: base-subject extraction.
import { decodeEncodedWords } from '../../core/mime/encoded-words.ts';

const TRAILER = /(?:\(fwd\)|\s)+$/i; // subj-trailer = "(fwd)" / WSP
const BLOB = '\\[[^\\[\\]]*\\]\\s*'; // subj-blob = "[" *BLOBCHAR "]" *WSP
const REFWD = `(?:re|fwd?)\\s*(?:${BLOB})?:`; // subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
const LEADER = new RegExp(`^(?:(?:${BLOB})*${REFWD}|\\s)`, 'i'); // subj-leader = (*subj-blob subj-refwd) / WSP
const LEADING_BLOB = new RegExp(`^${BLOB}`, 'i');
const FWD_HDR = /^\[fwd:/i;

export interface BaseSubject {
  /** The base subject (Unicode, NFC, single spaces; case as written — compare it case-insensitively). */
  base: string;
  /** A reply or forward indication was removed (RFC 5256 REFERENCES step 5 asks it). */
  replyOrForward: boolean;
}

export function baseSubject(raw: string | null | undefined): BaseSubject {
  // (1) decode, tabs and continuations to spaces, runs of spaces to one
  let s = decodeEncodedWords(raw ?? '')
    .normalize('NFC')
    .replace(/\r?\n/g, '')
    .replace(/[\t ]+/g, ' ');
  let replyOrForward = false;
  for (;;) {
    // (2) trailers
    const trimmed = s.replace(TRAILER, '');
    if (trimmed !== s) {
      if (/\(fwd\)/i.test(s.slice(trimmed.length))) replyOrForward = true;
      s = trimmed;
    }
    // (3)–(5) leaders and leading blobs, until neither matches
    for (;;) {
      const lead = LEADER.exec(s);
      if (lead) {
        if (lead[0].trim() !== '') replyOrForward = true;
        s = s.slice(lead[0].length);
        continue;
      }
      const blob = LEADING_BLOB.exec(s);
      if (blob && s.length > blob[0].length) {
        s = s.slice(blob[0].length);
        continue;
      }
      break;
    }
    // (6) "[fwd: … ]" wrapper: remove it and start again from (2)
    if (FWD_HDR.test(s) && s.endsWith(']')) {
      s = s.slice(5, -1);
      replyOrForward = true;
      continue;
    }
    return { base: s, replyOrForward };
  }
}
