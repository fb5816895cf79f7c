// Mail hygiene at the commit of a received message (issue 12), the one call the SMTP DATA phase
// makes between its plan and the commit: a message the `impersonation` stage warned of gets the
// `$Phishing` keyword in every local folder (a visible flag for IMAP clients and a webmail);
// account forwards are applied to the plan (core/forwarding.ts); a submission is counted against the sending limits (core/send-limits.ts)
// and checked against Article 9's attachment policy (core/free-mail-policy.ts) — either may put the
// sender's outbound copies on hold; mail exchanged with free-mail domains is counted for the
// report. What must follow the commit (notices, counters) is returned as `after`, run once the
// message is durable and never failing it. This is core logic rather than a stage because what it
// decides is the plan's (queue state, extra copies), not a verdict, and because a stage can be
// removed from the configuration while the limits must hold.
// Owns: the order of those steps; each rule is its own module's.
import type { Logger } from 'pino';
import type { Committed, Copy, StoredContent } from './delivery.ts';
import type { ForwardingService } from './forwarding.ts';
import type { SendLimits } from './send-limits.ts';
import type { FreeMailPolicy } from './free-mail-policy.ts';
import { decodeEncodedWords } from './mime/index.ts';

export interface ReceivedFacts {
  listener: 'inbound' | 'submission';
  /** The authenticated sender (submission), null from outside. */
  account: { id: number; username: string } | null;
  /** Envelope sender ('' for the null sender) and recipients. */
  sender: string;
  recipients: readonly string[];
  content: StoredContent;
  copies: Copy[];
}

/** The field the `impersonation` stage adds to a message it warns of (smtp/stages/impersonation.ts). */
const IMPERSONATION_FIELD = /(^|\n)X-Thutin-Impersonation: fail/i;
/** The IMAP keyword a warned message carries, so clients and a webmail can show a flag (IANA's registry). */
export const PHISHING_KEYWORD = '$Phishing';

/** A copy the impersonation stage warned of: its local targets get the $Phishing keyword. */
function flagImpersonation(c: Copy): Copy {
  if (!c.headerPrefix || !c.local?.length || !IMPERSONATION_FIELD.test(c.headerPrefix.toString('latin1'))) return c;
  return { ...c, local: c.local.map((t) => ({ ...t, flags: [...(t.flags ?? []), PHISHING_KEYWORD] })) };
}

export class MailHygiene {
  constructor(
    private readonly forwarding: ForwardingService,
    private readonly limits: SendLimits,
    private readonly freeMail: FreeMailPolicy,
    private readonly log: Logger,
    /** The local account an address belongs to (null: none): the mailbox a delegate sends as. */
    private readonly accountOf: (address: string) => Promise<number | null> = async () => null,
  ) {}

  async beforeCommit(f: ReceivedFacts): Promise<{ copies: Copy[]; after: (c: Committed) => Promise<void> }> {
    const localIds = [...new Set(f.copies.flatMap((c) => (c.local ?? []).map((t) => t.accountId)))];
    let copies = await this.forwarding.expand(f.listener === 'inbound' ? f.copies.map(flagImpersonation) : f.copies, f.sender);
    const afters: Array<(c: Committed) => Promise<void>> = [];
    if (f.listener === 'submission' && f.account) {
      const account = f.account;
      const own = (c: Copy) => !!c.remote && c.remote.accountId === account.id && c.remote.recipients.length > 0;
      const remote = copies.filter(own).flatMap((c) => c.remote!.recipients);
      let limit = await this.limits.submitted(account, f.recipients.length);
      // Sent as another mailbox (a unit mailbox, by delegation): that mailbox's limits count too.
      const as = f.sender ? await this.accountOf(f.sender) : null;
      if (as !== null && as !== account.id) {
        const other = await this.limits.submitted({ id: as, username: f.sender.toLowerCase() }, f.recipients.length);
        limit = { hold: limit.hold || other.hold };
      }
      const subject = f.content.index.envelope.subject ? decodeEncodedWords(f.content.index.envelope.subject) : '';
      const policy = this.freeMail.onSubmission({ accountId: account.id, username: account.username, remote, root: f.content.index.root, subject });
      if (limit.hold || policy.hold) copies = copies.map((c) => (own(c) ? { ...c, remote: { ...c.remote!, hold: true } } : c));
      const withRemote = copies.filter((c) => !!c.remote && c.remote.recipients.length > 0);
      afters.push((done) => policy.after(done.queued.filter((_, i) => withRemote[i] && own(withRemote[i]))));
      if (this.freeMail.freeMailOf(remote).length) afters.push(() => this.freeMail.count('out', [account.id]));
    } else if (f.listener === 'inbound' && localIds.length) {
      const from = f.content.index.envelope.from?.find((a) => a.mailbox && a.host);
      const fromDomain = from?.host ?? '';
      if ((f.sender && this.freeMail.freeMailOf([f.sender]).length) || (fromDomain && this.freeMail.freeMailOf([fromDomain]).length)) {
        afters.push(() => this.freeMail.count('in', localIds));
      }
    }
    return {
      copies,
      after: async (done) => {
        for (const a of afters) {
          try {
            await a(done);
          } catch (e) {
            this.log.warn({ err: e }, 'hygiene step after the commit failed');
          }
        }
      },
    };
  }
}
