// The mailbox-metadata repository: the only code that reads or writes `mailbox_metadata`
// (migration 0018_mailbox_metadata). No rules: core/mailbox-metadata.ts decides names, rights and limits.
// Owns: reading entries under a prefix, counting, setting and deleting them.
import type { Reader, Tx } from '../tx.ts';

export interface MetadataRow {
  accountId: number;
  entry: string;
  value: Buffer;
}

/** Entries of a folder (0: the server) visible to an account: the shared ones and its own private ones. */
export async function entriesOf(r: Reader, folderId: number, accountId: number): Promise<MetadataRow[]> {
  const rows = await r.selectFrom('mailbox_metadata').select(['account_id', 'entry', 'value']).where('folder_id', '=', folderId).where('account_id', 'in', [0, accountId]).orderBy('entry').execute();
  return rows.map((x) => ({ accountId: Number(x.account_id), entry: x.entry, value: Buffer.from(x.value, 'base64') }));
}

export async function countOf(r: Reader, folderId: number, accountId: number): Promise<number> {
  const row = await r
    .selectFrom('mailbox_metadata')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('folder_id', '=', folderId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function setEntry(tx: Tx, folderId: number, accountId: number, entry: string, value: Buffer, now: number): Promise<void> {
  const v = value.toString('base64');
  await tx
    .insertInto('mailbox_metadata')
    .values({ folder_id: folderId, account_id: accountId, entry, value: v, updated_at: now })
    .onConflict((oc) => oc.columns(['folder_id', 'account_id', 'entry']).doUpdateSet({ value: v, updated_at: now }))
    .execute();
}

export async function deleteEntry(tx: Tx, folderId: number, accountId: number, entry: string): Promise<void> {
  await tx.deleteFrom('mailbox_metadata').where('folder_id', '=', folderId).where('account_id', '=', accountId).where('entry', '=', entry).execute();
}

/** A folder went: its entries go with it. */
export async function deleteFolderEntries(tx: Tx, folderId: number): Promise<void> {
  await tx.deleteFrom('mailbox_metadata').where('folder_id', '=', folderId).execute();
}
