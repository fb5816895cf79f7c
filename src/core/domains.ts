// The domains this system receives mail for (app.domains): the primary and other local domains,
// and alias domains (config domains.aliases, alias → target) whose addresses are the same
// mailboxes as the target's (provinces merged and kept their old domains: x@old lands in x@new).
// Owns "is this domain ours" and "which stored address does this address mean".
import { ConfigError, type Config } from '../config/config.ts';

export class DomainMap {
  private readonly local: Set<string>;
  private readonly aliasTo = new Map<string, string>();
  readonly primary: string;

  constructor(primary: string, local: readonly string[], aliases: Record<string, string>) {
    this.primary = primary.toLowerCase();
    this.local = new Set([this.primary, ...local.map((d) => d.toLowerCase())]);
    for (const [alias, target] of Object.entries(aliases)) {
      const a = alias.toLowerCase();
      let t = target.toLowerCase();
      // An alias of an alias resolves to the final local domain (at most a few steps).
      for (let i = 0; i < 8 && !this.local.has(t) && aliases[t]; i++) t = aliases[t].toLowerCase();
      if (!this.local.has(t)) {
        throw new ConfigError(`domains.aliases: "${alias}" → "${target}" không phải miền cục bộ / is not a local domain`);
      }
      if (this.local.has(a)) throw new ConfigError(`domains.aliases: "${alias}" vừa là miền cục bộ vừa là miền bí danh / is both a local and an alias domain`);
      this.aliasTo.set(a, t);
    }
  }

  static fromConfig(cfg: Pick<Config, 'domains'>): DomainMap {
    return new DomainMap(cfg.domains.primary, cfg.domains.local, cfg.domains.aliases);
  }

  private static norm(domain: string): string {
    return domain.toLowerCase().replace(/\.$/, '');
  }

  /** Mail for this domain is ours (a local or an alias domain). */
  isLocal(domain: string): boolean {
    const d = DomainMap.norm(domain);
    return this.local.has(d) || this.aliasTo.has(d);
  }

  /** A local domain where accounts live (not an alias). */
  isPrimaryOrLocal(domain: string): boolean {
    return this.local.has(DomainMap.norm(domain));
  }

  isAlias(domain: string): boolean {
    return this.aliasTo.has(DomainMap.norm(domain));
  }

  /** The local domain a domain stands for (itself unless it is an alias). */
  target(domain: string): string {
    const d = DomainMap.norm(domain);
    return this.aliasTo.get(d) ?? d;
  }

  /**
   * The address stored in the directory for an address: on an alias domain the same local part
   * on the target domain; any other address unchanged but for its domain's case.
   */
  canonical(address: string): string {
    const at = address.lastIndexOf('@');
    if (at <= 0) return address;
    const domain = DomainMap.norm(address.slice(at + 1));
    const t = this.aliasTo.get(domain);
    return `${address.slice(0, at)}@${t ?? domain}`;
  }

  /** The local domains (primary first). */
  localDomains(): string[] {
    return [...this.local];
  }

  /** Alias domains with their targets. */
  aliases(): Array<{ alias: string; target: string }> {
    return [...this.aliasTo].map(([alias, target]) => ({ alias, target }));
  }

  /** Every domain we receive for: local first, then aliases. */
  all(): string[] {
    return [...this.local, ...this.aliasTo.keys()];
  }
}
