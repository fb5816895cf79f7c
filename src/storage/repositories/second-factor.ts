// The second-factor repository: the only code that reads or writes `second_factors`,
// `recovery_codes` and `app_passwords` (migration 0010_second_factor).
// Owns: an account's TOTP row (encrypted secret, on/off, last step used), its recovery codes, its
// app passwords (hash, public prefix, last use). Encryption, code checks and hashing are
// core/second-factor.ts's and core/app-passwords.ts's.
import type { Reader, Tx } from '../tx.ts';

export interface SecondFactorRow {
  accountId: number;
  secretEnc: string;
  enabled: boolean;
  lastStep: number;
  createdAt: number;
  enabledAt: number | null;
}

export interface RecoveryCodeRow {
  id: number;
  salt: string;
  codeHash: string;
}

export interface AppPasswordRow {
  id: number;
  accountId: number;
  name: string;
  prefix: string;
  passwordHash: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export async function secondFactorOf(r: Reader, accountId: number): Promise<SecondFactorRow | null> {
  const row = await r.selectFrom('second_factors').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  if (!row) return null;
  return {
    accountId: Number(row.account_id),
    secretEnc: row.secret_enc,
    enabled: Number(row.enabled) === 1,
    lastStep: Number(row.last_step),
    createdAt: Number(row.created_at),
    enabledAt: row.enabled_at === null ? null : Number(row.enabled_at),
  };
}

/** The row locked for this transaction (PostgreSQL; SQLite serialises writers anyway). */
export async function lockSecondFactor(tx: Tx, accountId: number): Promise<SecondFactorRow | null> {
  await tx
    .updateTable('second_factors')
    .set((eb) => ({ last_step: eb.ref('last_step') }))
    .where('account_id', '=', accountId)
    .execute();
  return secondFactorOf(tx, accountId);
}

/** Start (or restart) an enrolment: a new secret, off until confirmed. */
export async function putPendingSecondFactor(tx: Tx, accountId: number, secretEnc: string, at: number): Promise<void> {
  await tx.deleteFrom('second_factors').where('account_id', '=', accountId).execute();
  await tx.insertInto('second_factors').values({ account_id: accountId, secret_enc: secretEnc, enabled: 0, last_step: 0, created_at: at, enabled_at: null }).execute();
}

export async function enableSecondFactor(tx: Tx, accountId: number, step: number, at: number): Promise<void> {
  await tx.updateTable('second_factors').set({ enabled: 1, enabled_at: at, last_step: step }).where('account_id', '=', accountId).execute();
}

export async function setLastStep(tx: Tx, accountId: number, step: number): Promise<void> {
  await tx.updateTable('second_factors').set({ last_step: step }).where('account_id', '=', accountId).execute();
}

/** Turn the second factor off: the row and the recovery codes go. */
export async function deleteSecondFactor(tx: Tx, accountId: number): Promise<void> {
  await tx.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
  await tx.deleteFrom('second_factors').where('account_id', '=', accountId).execute();
}

export async function replaceRecoveryCodes(tx: Tx, accountId: number, codes: Array<{ salt: string; codeHash: string }>): Promise<void> {
  await tx.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
  if (codes.length)
    await tx
      .insertInto('recovery_codes')
      .values(codes.map((c) => ({ account_id: accountId, salt: c.salt, code_hash: c.codeHash, used_at: null })))
      .execute();
}

export async function unusedRecoveryCodes(r: Reader, accountId: number): Promise<RecoveryCodeRow[]> {
  const rows = await r.selectFrom('recovery_codes').select(['id', 'salt', 'code_hash']).where('account_id', '=', accountId).where('used_at', 'is', null).execute();
  return rows.map((x) => ({ id: Number(x.id), salt: x.salt, codeHash: x.code_hash }));
}

/** Use a recovery code once: false when it was used meanwhile. */
export async function useRecoveryCode(tx: Tx, id: number, at: number): Promise<boolean> {
  const r = await tx.updateTable('recovery_codes').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------- app passwords

function appRow(x: { id: number; account_id: number; name: string; prefix: string; password_hash: string; created_at: number; last_used_at: number | null }): AppPasswordRow {
  return {
    id: Number(x.id),
    accountId: Number(x.account_id),
    name: x.name,
    prefix: x.prefix,
    passwordHash: x.password_hash,
    createdAt: Number(x.created_at),
    lastUsedAt: x.last_used_at === null ? null : Number(x.last_used_at),
  };
}

export async function insertAppPassword(tx: Tx, p: { accountId: number; name: string; prefix: string; passwordHash: string; at: number }): Promise<number> {
  const row = await tx
    .insertInto('app_passwords')
    .values({ account_id: p.accountId, name: p.name, prefix: p.prefix, password_hash: p.passwordHash, created_at: p.at, last_used_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function appPasswordsOf(r: Reader, accountId: number): Promise<AppPasswordRow[]> {
  return (await r.selectFrom('app_passwords').selectAll().where('account_id', '=', accountId).orderBy('id').execute()).map(appRow);
}

export async function appPasswordsByPrefix(r: Reader, accountId: number, prefix: string): Promise<AppPasswordRow[]> {
  return (await r.selectFrom('app_passwords').selectAll().where('account_id', '=', accountId).where('prefix', '=', prefix).execute()).map(appRow);
}

export async function touchAppPassword(tx: Tx, id: number, at: number): Promise<void> {
  await tx.updateTable('app_passwords').set({ last_used_at: at }).where('id', '=', id).execute();
}

/** Revoke one app password of an account: its name, or null when there was none. */
export async function deleteAppPassword(tx: Tx, accountId: number, id: number): Promise<string | null> {
  const row = await tx.selectFrom('app_passwords').select('name').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  if (!row) return null;
  await tx.deleteFrom('app_passwords').where('id', '=', id).execute();
  return row.name;
}
