// The identities repository: the only code that reads or writes `identities` (migration 0019_jmap).
// Owns: one account's stored settings per sending address. Which addresses an account may send
// from, and the Identity objects, are the JMAP front end's (src/jmap/identities.ts) over the core.
import type { Reader, Tx } from '../tx.ts';

export interface IdentityRow {
  id: number;
  accountId: number;
  email: string;
  name: string;
  replyTo: string | null;
  bcc: string | null;
  textSignature: string;
  htmlSignature: string;
  updatedAt: number;
}

export type IdentitySettings = Pick<IdentityRow, 'name' | 'replyTo' | 'bcc' | 'textSignature' | 'htmlSignature'>;

export async function identitiesOf(r: Reader, accountId: number): Promise<IdentityRow[]> {
  const rows = await r.selectFrom('identities').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map((x) => ({
    id: Number(x.id),
    accountId: Number(x.account_id),
    email: x.email,
    name: x.name,
    replyTo: x.reply_to,
    bcc: x.bcc,
    textSignature: x.text_signature,
    htmlSignature: x.html_signature,
    updatedAt: Number(x.updated_at),
  }));
}

/** Create or replace the settings of one address. */
export async function saveIdentity(tx: Tx, accountId: number, email: string, s: IdentitySettings, now: number): Promise<void> {
  const values = { name: s.name, reply_to: s.replyTo, bcc: s.bcc, text_signature: s.textSignature, html_signature: s.htmlSignature, updated_at: now };
  await tx
    .insertInto('identities')
    .values({ account_id: accountId, email, ...values })
    .onConflict((oc) => oc.columns(['account_id', 'email']).doUpdateSet(values))
    .execute();
}

export async function deleteIdentity(tx: Tx, accountId: number, email: string): Promise<void> {
  await tx.deleteFrom('identities').where('account_id', '=', accountId).where('email', '=', email).execute();
}
