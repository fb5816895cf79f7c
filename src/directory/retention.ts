// The end of a person's mailbox: after leaving it is kept for the retention period (longer for
// leaders: by title or as a unit head), then `purgePerson` deletes the account with its folders
// and messages, and puts its addresses in quarantine for `addressQuarantineDays` (nobody else gets
// them: core/accounts.ts refuses, naming skips them); `duePurges(now)` lists the leavers whose
// retention has passed (directory/purge-schedule.ts runs them under `serve`). Also a new generated
// password for a person (R7.4).
// Owns: retention dates, purging, address quarantine and password resets of people; rows through the
// people, units and address-quarantine repositories, the account through app.accounts.
import type { Reader } from '../storage/tx.ts';
import { deletePerson, leavers, personById } from '../storage/repositories/directory-people.ts';
import { quarantine } from '../storage/repositories/address-quarantine.ts';
import { unitById, unitsHeadedBy, updateUnit } from '../storage/repositories/directory-units.ts';
import { ThutinError } from '../core/errors.ts';
import { recordVersion, snapshotsAsOf } from './history.ts';
import { formatDate } from './csv.ts';
import type { DirectoryContext } from './common.ts';
import type { People } from './people.ts';
import type { ChangeContext, Person, Unit } from './types.ts';
import { addMonths } from '../core/calendar.ts';

export { addMonths };

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

  /** Leavers whose retention has passed at `now` (oldest first). */
  async duePurges(now: number): Promise<number[]> {
    const due: number[] = [];
    for (const l of await leavers(this.c.db)) {
      if (l.leftAt === null || l.leftAt > now) continue;
      const from = await this.purgeableFrom(l.id);
      if (from !== null && from <= now) due.push(l.id);
    }
    return due;
  }

  /**
   * Delete the person's account with its mail; refused before the retention period has passed (at
   * `now`, the caller's clock). Their addresses (primary and aliases) go into quarantine in the same transaction.
   */
  async purgePerson(id: number, ctx: ChangeContext, now = Date.now()): Promise<void> {
    const p = await this.people.requirePerson(this.c.db, id);
    if (p.status !== 'left') throw new ThutinError('PURGE_NOT_LEFT', p.fullName);
    const from = (await this.purgeableFrom(id))!;
    if (now < from) throw new ThutinError('RETENTION_NOT_PASSED', `${p.email ?? p.fullName}: ${formatDate(from)}`);
    const leftAt = (await personById(this.c.db, id))?.leftAt ?? null;
    const days = this.c.deps.rules.addressQuarantineDays ?? 365;
    await this.c.tx.transaction(async (trx) => {
      if (p.accountId !== null) await this.c.deps.accounts.checkDeletable(trx, p.accountId); // legal hold: the purge waits (before the person row goes: a unit's hold is found through it)
      for (const unitId of await unitsHeadedBy(trx, id)) {
        await updateUnit(trx, unitId, { headPersonId: null, updatedAt: now });
        const unit = (await unitById(trx, unitId))!;
        await recordVersion(trx, 'unit', unit.id, { ...unit }, ctx, now);
      }
      await deletePerson(trx, id);
      await recordVersion(trx, 'person', id, null, ctx, now);
      if (p.accountId !== null) await this.c.deps.accounts.deleteIn(trx, p.accountId, ctx.actor, ctx.reason);
      // the addresses rest in quarantine: nobody else gets them before the end (directory.addressQuarantineDays)
      const addresses = [...new Set([p.email, ...p.aliases].filter((a): a is string => !!a))];
      const untilAt = now + days * 86400_000;
      if (days > 0)
        await quarantine(
          trx,
          addresses.map((address) => ({ address, untilAt, personName: p.fullName, leftAt, createdAt: now })),
        );
      await this.c.deps.audit.record(
        {
          actor: ctx.actor,
          action: 'person.purge',
          target: p.email ?? `person:${id}`,
          details: { name: p.fullName, quarantined: days > 0 ? addresses : [], quarantineUntil: days > 0 ? untilAt : null },
          reason: ctx.reason,
        },
        trx,
      );
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
