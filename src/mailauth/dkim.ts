// DKIM signing of outgoing mail (app.dkim): signs a message with the active key(s) of a domain
// (RSA, plus ed25519 when one is active) using mailauth's dkimSign, relaxed/relaxed, and
// returns the `DKIM-Signature:` header lines to prepend. Keys are read from the key store and
// cached until a key file or the active set changes (so `thutin dkim rotate` takes effect in a
// running server without a restart).
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { dkimSign } from 'mailauth';
import type { DkimKey, DkimKeyStore } from './keys.ts';

export class DkimSigner {
  private cache = new Map<string, DkimKey[]>();
  private stamp = '';

  constructor(
    readonly keys: DkimKeyStore,
    private readonly log?: Logger,
  ) {}

  private keysFor(domain: string): DkimKey[] {
    const stamp = this.keys.stamp();
    if (stamp !== this.stamp) {
      this.cache.clear();
      this.stamp = stamp;
    }
    const d = domain.toLowerCase().replace(/\.$/, '');
    let ks = this.cache.get(d);
    if (!ks) {
      ks = this.keys.activeKeys(d);
      this.cache.set(d, ks);
    }
    return ks;
  }

  /** Whether mail of this domain would be signed. */
  canSign(domain: string): boolean {
    return this.keysFor(domain).length > 0;
  }

  /**
   * The `DKIM-Signature:` header lines (CRLF-terminated) to prepend to `message` for `domain`,
   * or '' when the domain has no key. A stream is read to its end.
   */
  async sign(domain: string, message: Buffer | Readable): Promise<string> {
    const ks = this.keysFor(domain);
    if (!ks.length) {
      // A stream passed in must still be consumed, or its producer stalls.
      if (!Buffer.isBuffer(message)) message.resume();
      return '';
    }
    const signatureData = ks.map((k) => ({
      signingDomain: k.domain,
      selector: k.selector,
      privateKey: k.privateKeyPem,
      algorithm: k.algorithm === 'ed25519' ? 'ed25519-sha256' : 'rsa-sha256',
      canonicalization: 'relaxed/relaxed',
    }));
    // signingDomain/selector/privateKey at the top level only satisfy the types; signatureData rules.
    const res = await dkimSign(message, { ...signatureData[0], signatureData });
    if (res.errors?.length) this.log?.warn({ domain, errors: res.errors.map((e: Error) => e.message) }, 'DKIM signing reported errors');
    const out = res.signatures.trim();
    return out ? `${out}\r\n` : '';
  }
}
