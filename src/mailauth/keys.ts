// DKIM keys per domain: files `<dataDir>/<dkim.keyDir>/<domain>.<selector>.key` (PKCS#8 PEM,
// mode 0600; RSA 2048, or ed25519 as an optional second signature), and `active.json` naming
// the selectors that sign for each domain (a domain missing there signs with its newest RSA
// key and its newest ed25519 key). Owns making, listing, activating and removing keys and the
// DNS TXT record text for each. Rotation keeps the old key until it is removed, so mail signed
// with it still verifies while the old record stays published.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { resolveDataPath } from '../config/config.ts';
import { ThutinError } from '../core/errors.ts';
import { DomainMap } from '../core/domains.ts';

export type DkimAlgorithm = 'rsa' | 'ed25519';

export interface DkimKey {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  /** RSA modulus length; 256 for ed25519. */
  bits: number;
  file: string;
  createdAt: Date;
  active: boolean;
  privateKeyPem: string;
}

const SELECTOR_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/i;
const DOMAIN_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;
const ACTIVE_FILE = 'active.json';

export function keyDir(cfg: Pick<Config, 'dataDir' | 'dkim'>): string {
  return resolveDataPath(cfg as Config, cfg.dkim.keyDir);
}

/** The DNS name and TXT value that publish a key's public half. */
export function dkimTxtRecord(key: Pick<DkimKey, 'domain' | 'selector' | 'algorithm' | 'privateKeyPem'>): { name: string; value: string } {
  const pub = crypto.createPublicKey(crypto.createPrivateKey(key.privateKeyPem));
  let p: string;
  if (key.algorithm === 'ed25519') {
    // RFC 8463: the raw 32-byte public key, the SPKI DER's last 32 bytes.
    const der = pub.export({ type: 'spki', format: 'der' });
    p = der.subarray(der.length - 32).toString('base64');
  } else {
    p = pub.export({ type: 'spki', format: 'der' }).toString('base64');
  }
  return { name: `${key.selector}._domainkey.${key.domain}`, value: `v=DKIM1; k=${key.algorithm}; p=${p}` };
}

/** A date-based selector for a rotation, e.g. `t202611`; a letter is added when it is taken. */
export function dateSelector(now: Date, taken: (s: string) => boolean, suffix = ''): string {
  const base = `t${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}${suffix}`;
  if (!taken(base)) return base;
  for (let c = 98; c <= 122; c++) {
    const s = base + String.fromCharCode(c);
    if (!taken(s)) return s;
  }
  throw new ThutinError('DKIM_KEY_EXISTS', base);
}

export class DkimKeyStore {
  readonly dir: string;

  constructor(cfg: Pick<Config, 'dataDir' | 'dkim'>) {
    this.dir = keyDir(cfg);
  }

  private activeMap(): Record<string, string[]> {
    const f = path.join(this.dir, ACTIVE_FILE);
    if (!fs.existsSync(f)) return {};
    try {
      const v = JSON.parse(fs.readFileSync(f, 'utf8')) as unknown;
      return v && typeof v === 'object' ? (v as Record<string, string[]>) : {};
    } catch {
      return {};
    }
  }

  private writeActive(map: Record<string, string[]>): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const f = path.join(this.dir, ACTIVE_FILE);
    const tmp = `${f}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(map, null, 2) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, f);
  }

  /** A stamp that changes whenever a key or the active set changes (for caches). */
  stamp(): string {
    try {
      const d = fs.statSync(this.dir).mtimeMs;
      let a = 0;
      try {
        a = fs.statSync(path.join(this.dir, ACTIVE_FILE)).mtimeMs;
      } catch {
        /* no active file */
      }
      return `${d}:${a}`;
    } catch {
      return 'none';
    }
  }

  /** Every key, optionally of one domain, oldest first. */
  list(domain?: string): DkimKey[] {
    if (!fs.existsSync(this.dir)) return [];
    const want = domain?.toLowerCase();
    const keys: Omit<DkimKey, 'active'>[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith('.key')) continue;
      const stem = name.slice(0, -4);
      const dot = stem.lastIndexOf('.');
      if (dot <= 0) continue;
      const d = stem.slice(0, dot).toLowerCase();
      const selector = stem.slice(dot + 1);
      if (want && d !== want) continue;
      const file = path.join(this.dir, name);
      const pem = fs.readFileSync(file, 'utf8');
      let algorithm: DkimAlgorithm;
      let bits: number;
      try {
        const k = crypto.createPrivateKey(pem);
        algorithm = k.asymmetricKeyType === 'ed25519' ? 'ed25519' : 'rsa';
        bits = algorithm === 'rsa' ? (k.asymmetricKeyDetails?.modulusLength ?? 0) : 256;
      } catch {
        continue; // not a key we can use; `dkim list` shows only usable keys
      }
      keys.push({ domain: d, selector, algorithm, bits, file, createdAt: fs.statSync(file).mtime, privateKeyPem: pem });
    }
    keys.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.selector.localeCompare(b.selector));
    const active = this.activeMap();
    const out: DkimKey[] = [];
    const byDomain = new Map<string, typeof keys>();
    for (const k of keys) byDomain.set(k.domain, [...(byDomain.get(k.domain) ?? []), k]);
    for (const [d, ks] of byDomain) {
      const named = active[d];
      let activeSel: Set<string>;
      if (Array.isArray(named) && named.some((s) => ks.some((k) => k.selector === s))) activeSel = new Set(named);
      else {
        activeSel = new Set();
        const rsa = ks.filter((k) => k.algorithm === 'rsa').at(-1);
        const ed = ks.filter((k) => k.algorithm === 'ed25519').at(-1);
        if (rsa) activeSel.add(rsa.selector);
        if (ed) activeSel.add(ed.selector);
      }
      for (const k of ks) out.push({ ...k, active: activeSel.has(k.selector) });
    }
    return out.sort((a, b) => a.domain.localeCompare(b.domain) || a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** The keys that sign mail of a domain (one RSA, optionally one ed25519). */
  activeKeys(domain: string): DkimKey[] {
    return this.list(domain).filter((k) => k.active);
  }

  /**
   * Make a key for a domain. `activate` (default) makes it the domain's signing key of its
   * algorithm, replacing the previous one in signing; the old key file stays.
   */
  create(domain: string, opts: { selector?: string; algorithm?: DkimAlgorithm; activate?: boolean; now?: Date } = {}): DkimKey {
    const d = domain.toLowerCase().replace(/\.$/, '');
    if (!DOMAIN_RE.test(d)) throw new ThutinError('DOMAIN_NOT_LOCAL', domain);
    const algorithm = opts.algorithm ?? 'rsa';
    const existing = new Set(this.list(d).map((k) => k.selector));
    const selector = opts.selector ?? dateSelector(opts.now ?? new Date(), (s) => existing.has(s), algorithm === 'ed25519' ? 'e' : '');
    if (!SELECTOR_RE.test(selector)) throw new ThutinError('DKIM_SELECTOR_INVALID', selector);
    if (existing.has(selector)) throw new ThutinError('DKIM_KEY_EXISTS', `${selector}._domainkey.${d}`);
    const { privateKey } = algorithm === 'ed25519' ? crypto.generateKeyPairSync('ed25519') : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = path.join(this.dir, `${d}.${selector}.key`);
    // 'wx': never overwrite a key; mode 0600 from the first byte.
    fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    if (opts.activate ?? true) {
      const map = this.activeMap();
      const current = this.activeKeys(d)
        .filter((k) => k.algorithm !== algorithm && k.selector !== selector)
        .map((k) => k.selector);
      map[d] = [...current, selector];
      this.writeActive(map);
    }
    return this.list(d).find((k) => k.selector === selector)!;
  }

  /** Make a key the signing key of its algorithm for its domain. */
  activate(domain: string, selector: string): DkimKey {
    const d = domain.toLowerCase();
    const key = this.list(d).find((k) => k.selector === selector);
    if (!key) throw new ThutinError('DKIM_KEY_NOT_FOUND', `${selector}._domainkey.${d}`);
    const map = this.activeMap();
    map[d] = [
      ...this.activeKeys(d)
        .filter((k) => k.algorithm !== key.algorithm)
        .map((k) => k.selector),
      selector,
    ];
    this.writeActive(map);
    return { ...key, active: true };
  }

  /** Delete a key file (after its DNS record was withdrawn). The active key cannot be removed. */
  remove(domain: string, selector: string): void {
    const d = domain.toLowerCase();
    const key = this.list(d).find((k) => k.selector === selector);
    if (!key) throw new ThutinError('DKIM_KEY_NOT_FOUND', `${selector}._domainkey.${d}`);
    if (key.active) throw new ThutinError('DKIM_KEY_ACTIVE', `${selector}._domainkey.${d}`);
    fs.rmSync(key.file);
  }
}

/** `thutin init`: a key (selector config.dkim.selector) for each local and alias domain that has none. */
export function ensureDkimKeys(cfg: Pick<Config, 'dataDir' | 'dkim' | 'domains'>): DkimKey[] {
  const store = new DkimKeyStore(cfg);
  const made: DkimKey[] = [];
  for (const d of DomainMap.fromConfig(cfg).all()) {
    if (store.list(d).length) continue;
    made.push(store.create(d, { selector: cfg.dkim.selector }));
  }
  return made;
}
