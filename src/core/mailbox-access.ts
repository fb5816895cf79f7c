// The access audit of mailboxes (R10.1, issue 9): every opening of a mailbox by someone other than
// its owner — a delegate (or, later, an administrator) — is recorded, once per session and folder,
// in the hash-chained audit log (action `mailbox.open`, target = the owner's address), so it is
// tamper-evident and auditors query it like any audit entry (`thutin audit list --action
// mailbox.open`, `GET /api/v1/audit?action=mailbox.open`). The volume is one entry per delegate
// session and shared folder, which the chain carries. If the entry cannot be written, the
// opening fails: an unrecorded reading of another's mail is what R10.1 forbids.
// Owns: what an opening records; rows through core/audit.ts.
import type { AuditLog, AuditRow } from './audit.ts';

export const MAILBOX_OPEN = 'mailbox.open';

export interface MailboxOpening {
  /** Who opened it (their primary address). */
  actor: string;
  /** Whose mailbox (the owner's primary address). */
  owner: string;
  /** The folder's name in the owner's account. */
  folder: string;
  /** The rights it was opened with ('read', 'manage'). */
  access: string;
  readOnly: boolean;
  protocol: 'imap' | 'pop3' | 'jmap' | 'http';
  remote: string;
}

export class MailboxAccessLog {
  constructor(private readonly audit: Pick<AuditLog, 'record' | 'list'>) {}

  async opened(o: MailboxOpening): Promise<void> {
    if (o.actor.toLowerCase() === o.owner.toLowerCase()) return; // the owner's own opening is not an access by another
    await this.audit.record({
      actor: o.actor,
      action: MAILBOX_OPEN,
      target: o.owner,
      details: { folder: o.folder, access: o.access, readOnly: o.readOnly, protocol: o.protocol, remote: o.remote },
    });
  }

  /** Openings of `owner`'s mailbox (or of every mailbox), newest first. */
  async list(limit = 100, filter: { owner?: string; actor?: string } = {}): Promise<AuditRow[]> {
    return this.audit.list(limit, { action: MAILBOX_OPEN, target: filter.owner, actor: filter.actor });
  }
}
