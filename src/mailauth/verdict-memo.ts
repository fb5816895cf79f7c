// Owns: the verdict memo of the inbound `auth` stage — the outcome of verifying an unsigned message
// (verify.ts: SPF, DKIM, DMARC, ARC with mailauth's authenticate() on its header section), kept so
// that an identical verification is not redone while the DNS answers it used are still cached.
// Profiling ingest of alike messages (one sender, one client) showed authenticate() at ~450 µs of
// the event loop per message (mailauth, ipaddr.js in SPF, tldts, joi) with every answer cached.
//
// Rules:
// - Only a message verified from its header section alone, with no field mailauth reads as a
//   signature (DKIM-Signature, ARC-Seal, ARC-Message-Signature, named as mailauth names fields:
//   text before the first colon, trimmed of any white space): a signed message's result depends
//   on its body and its signature, so it is never memoised (`key` gives null).
// - Key: a SHA-256 of everything the outcome depends on: the client IP, the HELO, the envelope
//   sender (the whole address: SPF macros %{s} and %{l} use the local part), our hostname (the
//   authserv-id, and SPF's %{r}), and the exact bytes of the header fields mailauth reads of an
//   unsigned message, in their order: every From: (DMARC's domain; several From fields or none
//   give another result, and key differently) and every ARC-Authentication-Results:.
// - What mailauth (4.13: lib/mailauth.js, dkim/dkim-verifier.js, arc/index.js, dmarc/, spf/)
//   reads of an unsigned message's header section, found by reading it:
//     From: → DKIM alignment and DMARC (exactly one address, else no DMARC at all). In the key.
//     ARC-Authentication-Results: getARChain reads every ARC-* field with an i= tag, so one
//       without its seal and signature makes ARC `fail` ("i=1 no arc-seal set", also in the
//       DMARC comment). In the key.
//     Return-Path: read only when the envelope sender is empty, and what it gives (envelopeFrom)
//       is used only with trustReceived, which verify.ts sets false. Not in the key.
//     Received: parsed into receivedChain, used only with trustReceived, and not part of our
//       outcome. Not in the key.
//     Content-Type: read only for a signature's body hash; BIMI fields: BIMI is off. Not in it.
//   SPF reads the envelope, the IP, the HELO and our hostname, DMARC the From domain; the only
//   clock is SPF's %{t} macro (expanded in domain-specs too), which the lookup ledger spots in
//   TXT answers: such an outcome is not memoised.
// - Expiry: the earliest expiry of every DNS answer, positive or negative, the verification
//   consulted, on the resolver's clock (verify.ts `LookupLedger`, told by dns-cache.ts).
// - Never memoised: an outcome in which any lookup failed for now (timeout, SERVFAIL, refused,
//   the breaker open, our deadline) or any result is temperror: the next message asks again.
// - Bounded: at most `maxEntries` (smtp.authVerdictCacheEntries, 10 000; 0 turns the memo off),
//   the least recently used going first.
// - A hit is the outcome verifying again would give (the same header fields, byte for byte), a
//   copy each time: a caller cannot change the memo. Nothing is logged.
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AuthOutcome } from './verify.ts';

/** What a verification's outcome depends on besides the message. */
export interface VerdictEnvelope {
  ip: string;
  helo: string;
  sender: string;
  hostname: string;
}

/** Field names (lower case) whose presence makes a message signed: its body counts. */
const SIGNATURE_NAMES = new Set(['dkim-signature', 'arc-seal', 'arc-message-signature']);
/** Field names (lower case) whose bytes an unsigned message's outcome depends on. */
const KEY_NAMES = new Set(['from', 'arc-authentication-results']);

/**
 * The header section's fields as mailauth splits them (lib/tools.js parseHeaders): trailing line
 * breaks dropped, lines split at LF, a line starting with white space continuing the field before
 * it, the name being the text before the first colon, trimmed, lower-cased. `raw` keeps each
 * field's own bytes (latin1), line breaks included.
 */
export function fieldsAsMailauthReads(header: Buffer): Array<{ name: string; raw: string }> {
  const lines = header
    .toString('latin1')
    .replace(/[\r\n]+$/, '')
    .split(/(?<=\n)/);
  const fields: Array<{ name: string; raw: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    if (i > 0 && /^\s/.test(lines[i])) fields[fields.length - 1].raw += lines[i];
    else fields.push({ name: '', raw: lines[i] });
  }
  for (const f of fields) f.name = (/^[^:]+/.exec(f.raw)?.[0] ?? '').trim().toLowerCase();
  return fields;
}

/** Length-prefixed, so that no two lists of parts hash alike. */
function part(h: crypto.Hash, text: string, encoding: 'utf8' | 'latin1'): void {
  h.update(`${Buffer.byteLength(text, encoding)}:`);
  h.update(text, encoding);
}

function copy(o: AuthOutcome): AuthOutcome {
  return { ...o, headers: [...o.headers] };
}

export class VerdictMemo {
  private readonly entries = new Map<string, { outcome: AuthOutcome; expires: number }>();

  /** `now`: the clock the expiries are on (the cached resolver's). */
  constructor(private readonly opts: { maxEntries: number; now: () => number }) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The memo's key for verifying `input` with `env`, or null when its outcome is not memoised:
   * the memo is off, `input` is not a header section alone, or the header holds a signature.
   */
  key(input: Buffer | Readable, env: VerdictEnvelope): string | null {
    if (this.opts.maxEntries <= 0 || !Buffer.isBuffer(input)) return null;
    const fields = fieldsAsMailauthReads(input);
    if (fields.some((f) => SIGNATURE_NAMES.has(f.name))) return null;
    const h = crypto.createHash('sha256');
    for (const p of [env.ip, env.helo, env.sender, env.hostname]) part(h, p, 'utf8');
    for (const f of fields) if (KEY_NAMES.has(f.name)) part(h, f.raw, 'latin1');
    return h.digest('base64');
  }

  /** The outcome memoised under `key` (a copy), while the answers it used are cached. */
  get(key: string): AuthOutcome | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.expires <= this.opts.now()) return undefined;
    this.entries.set(key, e); // most recently used goes last
    return copy(e.outcome);
  }

  /**
   * Keep `outcome` under `key` until `until` (the ledger's: null when a lookup failed for now),
   * unless a result is temperror or the time has passed already.
   */
  remember(key: string, outcome: AuthOutcome, until: number | null): void {
    if (this.opts.maxEntries <= 0 || until === null || until <= this.opts.now()) return;
    if ([outcome.spf, outcome.dkim, outcome.dmarc, outcome.arc].includes('temperror')) return;
    this.entries.delete(key);
    this.entries.set(key, { outcome: copy(outcome), expires: until });
    while (this.entries.size > this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
