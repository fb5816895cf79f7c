// The record of mail sent through JMAP (issue 10, RFC 8621 §7 EmailSubmission): which Email of
// which account went, from which identity, to whom, which recipients were delivered locally at
// once and which outbound queue entries carry the rest (their delivery state is the queue's).
// Owns: the submission records; rows through storage/repositories/email-submissions.ts.
import { transactor, type Reader, type Transactor } from '../storage/tx.ts';
import * as repo from '../storage/repositories/email-submissions.ts';

export type { SubmissionRow } from '../storage/repositories/email-submissions.ts';

export class SubmissionLog {
  private readonly tx: Transactor;

  constructor(private readonly db: Reader) {
    this.tx = transactor(db);
  }

  record(s: Omit<repo.SubmissionRow, 'id'>): Promise<number> {
    return this.tx.transaction((tx) => repo.insertSubmission(tx, s));
  }

  get(accountId: number, ids: number[] | null): Promise<repo.SubmissionRow[]> {
    return repo.submissionsOf(this.db, accountId, ids);
  }

  after(accountId: number, afterId: number): Promise<number[]> {
    return repo.submissionsAfter(this.db, accountId, afterId);
  }

  last(accountId: number): Promise<number> {
    return repo.lastSubmissionId(this.db, accountId);
  }

  remove(accountId: number, ids: number[]): Promise<number[]> {
    return this.tx.transaction((tx) => repo.deleteSubmissions(tx, accountId, ids));
  }
}
