// Sending identities' settings (issue 10, RFC 8621 §6): for each address an account may send
// from — its own, or a unit mailbox's it holds send-as / send-on-behalf on — the display name,
// Reply-To, Bcc and the text and HTML signatures the webmail puts on a new message. Which
// addresses those are is decided by the caller from accounts and delegations; here they are kept.
// Owns: the identity settings rules (sizes); rows through storage/repositories/identities.ts.
import { transactor, type Reader, type Transactor } from '../storage/tx.ts';
import * as repo from '../storage/repositories/identities.ts';
import { ThutinError } from './errors.ts';

export type { IdentityRow, IdentitySettings } from '../storage/repositories/identities.ts';

/** A signature or a name past this many characters is refused (a signature is not a letter). */
export const MAX_SIGNATURE = 20_000;
export const MAX_NAME = 200;

export class IdentityService {
  private readonly tx: Transactor;
  private readonly now: () => number;

  constructor(
    private readonly db: Reader,
    opts: { now?: () => number } = {},
  ) {
    this.tx = transactor(db);
    this.now = opts.now ?? Date.now;
  }

  list(accountId: number): Promise<repo.IdentityRow[]> {
    return repo.identitiesOf(this.db, accountId);
  }

  async save(accountId: number, email: string, s: repo.IdentitySettings): Promise<void> {
    if ([...s.name].length > MAX_NAME || /[\r\n]/.test(s.name)) throw new ThutinError('IDENTITY_INVALID', 'name');
    if (s.textSignature.length > MAX_SIGNATURE || s.htmlSignature.length > MAX_SIGNATURE) throw new ThutinError('IDENTITY_INVALID', 'signature');
    await this.tx.transaction((tx) => repo.saveIdentity(tx, accountId, email.toLowerCase(), s, this.now()));
  }

  async remove(accountId: number, email: string): Promise<void> {
    await this.tx.transaction((tx) => repo.deleteIdentity(tx, accountId, email.toLowerCase()));
  }
}
