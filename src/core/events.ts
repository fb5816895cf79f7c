// Change notifications between sessions: after a transaction commits, the mail store says
// "mailbox N changed"; IMAP sessions that have N selected (or are idling on it) then read the
// change log (the `changes` table) since their last mod-sequence.
import { EventEmitter } from 'node:events';

export class MailEvents {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  notify(mailboxId: number): void {
    this.emitter.emit(`mb:${mailboxId}`);
  }
  subscribe(mailboxId: number, fn: () => void): () => void {
    const ev = `mb:${mailboxId}`;
    this.emitter.on(ev, fn);
    return () => this.emitter.off(ev, fn);
  }
}
