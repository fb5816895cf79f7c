// Owns: the auditors' view of the sign-in history (R10.1, issue 9): every checked sign-in of every
// door — successes, failures, forced-change and expired refusals — newest first, filtered by login
// and outcome, and the verification of its hash chain (each row sealed with sha256 of the previous
// row's seal and its own content, by storage/repositories/sign-in.ts). The history is kept apart
// from the administrative audit log for its volume, and is tamper-evident all the same: an altered
// row, or one removed from the middle, is named. Pruning (maintenance, `security.signIn.historyRetentionMs`)
// removes only the oldest rows, so the oldest remaining row is the chain's anchor.
import type { Reader } from '../storage/tx.ts';
import { allSignIns, sealedSignInsAfter, signInSeal, type SignInRow } from '../storage/repositories/sign-in.ts';

export type { SignInRow };

export interface SignInChainCheck {
  ok: boolean;
  checked: number;
  /** The oldest row kept (the anchor; older ones were pruned), or null when the history is empty. */
  firstId: number | null;
  broken?: { id: number; problem: 'hash' | 'link'; message: string };
}

export class SignInHistory {
  constructor(private readonly db: Reader) {}

  list(limit = 100, filter: { login?: string; success?: boolean; before?: number } = {}): Promise<SignInRow[]> {
    return allSignIns(this.db, limit, filter);
  }

  async verify(): Promise<SignInChainCheck> {
    let prev: string | null = null;
    let lastId = 0;
    let checked = 0;
    let firstId: number | null = null;
    for (;;) {
      const rows = await sealedSignInsAfter(this.db, lastId, 5000);
      if (rows.length === 0) break;
      for (const r of rows) {
        lastId = r.id;
        firstId ??= r.id;
        checked++;
        if (prev !== null && r.prevHash !== prev) {
          return { ok: false, checked, firstId, broken: { id: r.id, problem: 'link', message: `đăng nhập trước #${r.id} đã bị xoá hoặc sửa / the sign-in before #${r.id} was removed or altered` } };
        }
        if (signInSeal(r.prevHash, r) !== r.hash) {
          return { ok: false, checked, firstId, broken: { id: r.id, problem: 'hash', message: `đăng nhập #${r.id} đã bị sửa / sign-in #${r.id} was altered` } };
        }
        prev = r.hash;
      }
    }
    return { ok: true, checked, firstId };
  }
}
