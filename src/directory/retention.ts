// The end of a person's mailbox: after leaving it is kept for the retention period (longer for
// leaders: by title or as a unit head), then `purgePerson` deletes the account with its folders
// and messages. Also a new generated password for a person (R7.4).
// Owns: retention dates, purging and password resets of people; rows through the people and
// units repositories, the account through app.accounts.
import type { Reader } from '../storage/tx.ts';
import { deletePerson, personById } from '../storage/repositories/directory-people.ts';
import { unitById, unitsHeadedBy, updateUnit } from '../storage/repositories/directory-units.ts';
import { ThutinError } from '../core/errors.ts';
import { recordVersion, snapshotsAsOf } from './history.ts';
import { formatDate } from './csv.ts';
import type { DirectoryContext } from './common.ts';
import type { People } from './people.ts';
import type { ChangeContext, Person, Unit } from './types.ts';

export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

export class Retention {
  constructor(
    private readonly c: DirectoryContext,
    private readonly people: People,
  ) {}

  /** Leaders (by title, or as a unit head — now or when they left, since leaving vacates the headship) are kept longer. */
  private async isLeader(r: Reader, p: Person, leftAt: number | null): Promise<boolean> {
    const title = p.title.normalize('NFC').toLowerCase();
    if (this.c.deps.rules.leaderTitles.some((t) => title.includes(t.normalize('NFC').toLowerCase()))) return true;
    if ((await unitsHeadedBy(r, p.id)).length > 0) return true;
    return leftAt !== null && (await snapshotsAsOf<Unit>(r, 'unit', leftAt - 1)).some((u) => u.headPersonId === p.id);
  }

  /** When a leaver's mailbox may be purged (null while the person has not left). */
  async purgeableFrom(id: number): Promise<number | null> {
    const p = await this.people.requirePerson(this.c.db, id);
    const row = await personById(this.c.db, id);
    if (p.status !== 'left' || !row || row.leftAt === null) return null;
    const months = (await this.isLeader(this.c.db, p, row.leftAt)) ? this.c.deps.rules.leaderRetentionMonths : this.c.deps.rules.retentionMonths;
    return addMonths(row.leftAt, months);
  }

  /** Delete the person's account with its mail; refused before the retention period has passed. */
  async purgePerson(id: number, ctx: ChangeContext): Promise<void> {
    const p = await this.people.requirePerson(this.c.db, id);
    if (p.status !== 'left') throw new ThutinError('PURGE_NOT_LEFT', p.fullName);
    const from = (await this.purgeableFrom(id))!;
    if (Date.now() < from) throw new ThutinError('RETENTION_NOT_PASSED', `${p.email ?? p.fullName}: ${formatDate(from)}`);
    await this.c.tx.transaction(async (trx) => {
      if (p.accountId !== null) await this.c.deps.accounts.checkDeletable(trx, p.accountId); // legal hold: the purge waits (before the person row goes: a unit's hold is found through it)
      const now = Date.now();
      for (const unitId of await unitsHeadedBy(trx, id)) {
        await updateUnit(trx, unitId, { headPersonId: null, updatedAt: now });
        const unit = (await unitById(trx, unitId))!;
        await recordVersion(trx, 'unit', unit.id, { ...unit }, ctx, now);
      }
      await deletePerson(trx, id);
      await recordVersion(trx, 'person', id, null, ctx, now);
      if (p.accountId !== null) await this.c.deps.accounts.deleteIn(trx, p.accountId, ctx.actor, ctx.reason);
      await this.c.deps.audit.record({ actor: ctx.actor, action: 'person.purge', target: p.email ?? `person:${id}`, details: { name: p.fullName }, reason: ctx.reason }, trx);
    });
  }

  /** A new generated password, changed at the next login (R7.4). */
  async resetPassword(personIdOrAddress: number | string, ctx: ChangeContext): Promise<{ address: string; password: string }> {
    let address: string;
    if (typeof personIdOrAddress === 'number') {
      const p = await this.people.requirePerson(this.c.db, personIdOrAddress);
      if (!p.email) throw new ThutinError('ACCOUNT_NOT_FOUND', p.fullName);
      address = p.email;
    } else {
      const acct = await this.c.deps.accounts.byAddress(personIdOrAddress);
      if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', personIdOrAddress);
      address = acct.username;
    }
    const password = await this.c.deps.accounts.resetPassword(address, ctx.actor, { reason: ctx.reason });
    return { address, password };
  }
}
