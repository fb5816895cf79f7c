// How routes find the units their action touches, for the scope check: a unit by code, a
// person's unit, a mailbox owner's unit (a person's mailbox or a unit mailbox), a list's unit (routes/lists.ts).
// Each returns the path root → unit (app.directory.unitPath); no unit = province-wide; and, for
// an account, the roles its holder has (only a higher role may act on it).
import type { App } from '../app.ts';
import type { Target } from '../core/policy.ts';
import type { Role } from '../core/roles.ts';
import { ThutinError } from '../core/errors.ts';

export async function pathOfUnitId(app: App, unitId: number | null | undefined): Promise<number[] | null> {
  if (unitId === null || unitId === undefined) return null;
  return app.directory.unitPath(unitId);
}

export async function pathOfUnitCode(app: App, code: string | null | undefined): Promise<number[] | null> {
  if (!code) return null;
  const u = await app.directory.getUnit(code);
  if (!u) throw new ThutinError('UNIT_NOT_FOUND', code);
  return app.directory.unitPath(u.id);
}

/** The roles an account holds (assigned or as a unit head), for actions on that account. */
export async function holderRoles(app: App, accountId: number | null): Promise<Role[] | undefined> {
  if (accountId === null) return undefined;
  return (await app.roles.principal(accountId)).roles.map((r) => r.role);
}

export async function personTarget(app: App, id: number): Promise<Target> {
  const p = await app.directory.getPerson(id);
  if (!p) throw new ThutinError('NOT_FOUND', `person ${id}`);
  return { unitPath: await pathOfUnitId(app, p.unitId), holderRoles: await holderRoles(app, p.accountId) };
}

/** The unit a mailbox belongs to: its person's unit, or the unit whose mailbox it is. */
export async function mailboxTarget(app: App, address: string): Promise<Target> {
  const acct = await app.accounts.byAddress(address);
  if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
  const person = await app.directory.personByAccount(acct.id);
  if (person) return { unitPath: await pathOfUnitId(app, person.unitId), holderRoles: await holderRoles(app, acct.id) };
  const unit = (await app.directory.listUnits()).find((u) => u.mailboxAccountId === acct.id);
  return { unitPath: unit ? await app.directory.unitPath(unit.id) : null };
}
