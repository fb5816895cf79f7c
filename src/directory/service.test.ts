// The directory core on SQLite and PostgreSQL: the organisation tree with unit mailboxes, people
// with personal mailboxes named by the rules, the lifecycle (move, suspend, leave, purge only after
// retention), password reset with forced change, head handover (R8.3: delegation, password rotation,
// heads from the unit's subtree, vacancies when a head leaves), as-of reads, audit reasons.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { checkPasswordStrength } from '../core/accounts.ts';
import { addMonths } from './service.ts';
import { isThutinError, type ErrorCode } from '../core/errors.ts';

const ctx = { actor: 'cli:tester', reason: 'QĐ 123/QĐ-UBND' };
const rejectsWith = (p: Promise<unknown>, code: ErrorCode) => expect(p).rejects.toSatisfy((e) => isThutinError(e, code));

describe.each(backends())('directory on %s', (backend) => {
  let t: TestApp;
  let beforePurge = 0;
  beforeAll(async () => {
    t = await createTestApp({ backend });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('builds the organisation tree with unit mailboxes (abbreviation@domain, change forced)', async () => {
    const d = t.app.directory;
    const kt = await d.createUnit({ code: 'KT', name: 'Ủy ban nhân dân tỉnh Kon Tum', abbreviation: 'ubnd', kind: 'province' }, ctx);
    expect(kt.unit.mailbox).toBe('ubnd@kontum.gov.vn');
    expect(() => checkPasswordStrength(kt.initialPassword!)).not.toThrow();
    const acct = await t.app.accounts.byAddress('ubnd@kontum.gov.vn');
    expect(acct?.mustChangePassword).toBe(true);
    const snv = await d.createUnit({ code: 'snv', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'KT' }, ctx);
    expect(snv.unit).toMatchObject({ code: 'SNV', abbreviation: 'snv', mailbox: 'snv@kontum.gov.vn', parentId: kt.unit.id });
    const phong = await d.createUnit({ code: 'SNV-TCBC', name: 'Phòng Tổ chức biên chế', abbreviation: 'snv.tcbc', kind: 'department', parentCode: 'SNV', withMailbox: false }, ctx);
    expect(phong.unit.mailbox).toBeNull();
    expect(phong.initialPassword).toBeUndefined();
    await d.createUnit({ code: 'STTTT', name: 'Sở Thông tin và Truyền thông', kind: 'agency', parentCode: 'KT' }, ctx);
    await d.createUnit({ code: 'BDT', name: 'Ban Dân tộc', abbreviation: 'bandantoc', kind: 'agency', parentCode: 'KT' }, ctx);

    await rejectsWith(d.createUnit({ code: 'SNV', name: 'Trùng', kind: 'agency' }, ctx), 'UNIT_EXISTS');
    await rejectsWith(d.createUnit({ code: 'QT', name: 'Quản trị', abbreviation: 'admin', kind: 'agency' }, ctx), 'ADDRESS_RESERVED');
    await rejectsWith(d.createUnit({ code: 'X1', name: 'Không cha', kind: 'agency', parentCode: 'NOPE' }, ctx), 'UNIT_NOT_FOUND');
    await rejectsWith(d.updateUnit('KT', { parentCode: 'SNV-TCBC' }, ctx), 'UNIT_CYCLE');

    expect(await d.unitPath(phong.unit.id)).toEqual([kt.unit.id, snv.unit.id, phong.unit.id]);
    expect((await d.subtreeIds(snv.unit.id)).sort()).toEqual([snv.unit.id, phong.unit.id].sort());
    const all = await d.listUnits();
    expect(all.map((u) => u.code)).toEqual(['KT', 'BDT', 'SNV', 'SNV-TCBC', 'STTTT']); // tree order, siblings by Vietnamese name
    expect((await d.listUnits({ parentCode: 'KT' })).map((u) => u.code)).toEqual(['BDT', 'SNV', 'STTTT']);
  });

  it('merges units: validity dates and a successor; a new abbreviation keeps the old address as an alias', async () => {
    const d = t.app.directory;
    const skhcn = await d.createUnit({ code: 'SKHCN', name: 'Sở Khoa học và Công nghệ', kind: 'agency', parentCode: 'KT' }, ctx);
    const end = Date.UTC(2025, 2, 1);
    await d.updateUnit('STTTT', { validTo: end, successorCode: 'SKHCN' }, { actor: 'cli:tester', reason: 'NQ 01/2025' });
    const stttt = await d.getUnit('STTTT');
    expect(stttt).toMatchObject({ validTo: end, successorId: skhcn.unit.id });
    await d.updateUnit('SKHCN', { abbreviation: 'skhcn.kt' }, ctx);
    const acct = await t.app.accounts.byAddress('skhcn@kontum.gov.vn');
    expect(acct?.username).toBe('skhcn.kt@kontum.gov.vn');
    const log = await t.app.audit.list(50, { target: 'STTTT' });
    expect(log[0]).toMatchObject({ action: 'unit.update', reason: 'NQ 01/2025' });
    expect(JSON.parse(log[0].details)).toMatchObject({ successor: 'SKHCN' });
  });

  it('creates people with addresses by the naming rules, numbered on a clash, names in NFC', async () => {
    const d = t.app.directory;
    const a = await d.createPerson({ fullName: 'Nguye\u0302\u0303n Văn An', title: 'Chuyên viên', unitCode: 'SNV', phone: '0260 3862 123' }, ctx);
    expect(a.address).toBe('annv@kontum.gov.vn');
    expect(a.person.fullName).toBe('Nguyễn Văn An'.normalize('NFC'));
    expect(a.person).toMatchObject({ familyName: 'Nguyễn', middleName: 'Văn', givenName: 'An', unitCode: 'SNV', unitName: 'Sở Nội vụ', status: 'active', email: 'annv@kontum.gov.vn' });
    expect(() => checkPasswordStrength(a.initialPassword)).not.toThrow();
    expect((await t.app.accounts.byAddress('annv@kontum.gov.vn'))?.mustChangePassword).toBe(true);
    const b = await d.createPerson({ fullName: 'Nguyễn Văn An', unitCode: 'STTTT' }, ctx);
    expect(b.address).toBe('annv2@kontum.gov.vn');
    const h = await d.createPerson({ fullName: 'Trần Thị Thu Hương', title: 'Giám đốc', unitCode: 'SNV' }, ctx);
    expect(h.address).toBe('huongttt@kontum.gov.vn');
    await rejectsWith(d.createPerson({ fullName: 'Lê Văn Root', localPart: 'postmaster' }, ctx), 'ADDRESS_RESERVED');
    await rejectsWith(d.createPerson({ fullName: 'Lê Văn Tám', localPart: 'annv' }, ctx), 'ACCOUNT_EXISTS');
    await rejectsWith(d.createPerson({ fullName: 'Tám' }, ctx), 'NAME_INVALID');
    await rejectsWith(d.createPerson({ fullName: 'Lê Văn Tám', unitCode: 'NOPE' }, ctx), 'UNIT_NOT_FOUND');
    const own = await d.createPerson({ fullName: 'Đặng Thị Hoà', unitCode: 'BDT', password: 'Matkhau#2026' }, ctx);
    expect(own.address).toBe('hoadt@kontum.gov.vn');
    expect((await t.app.accounts.authenticate('hoadt', 'Matkhau#2026'))?.mustChangePassword).toBe(false);
    expect(await d.personByAccount(own.person.accountId!)).toMatchObject({ id: own.person.id });
  });

  it('lists people in Vietnamese order, by unit and subtree', async () => {
    const d = t.app.directory;
    await d.createPerson({ fullName: 'Phạm Minh Đức', unitCode: 'SNV-TCBC' }, ctx);
    await d.createPerson({ fullName: 'Vũ Tiến Dũng', unitCode: 'SNV-TCBC' }, ctx);
    await d.createPerson({ fullName: 'Lê Thị Ánh', unitCode: 'SNV' }, ctx);
    const names = (await d.listPeople()).map((p) => p.fullName);
    expect(names).toEqual(['Nguyễn Văn An', 'Nguyễn Văn An', 'Lê Thị Ánh', 'Vũ Tiến Dũng', 'Phạm Minh Đức', 'Đặng Thị Hoà', 'Trần Thị Thu Hương']);
    expect((await d.listPeople({ unitCode: 'SNV' })).map((p) => p.fullName)).toEqual(['Nguyễn Văn An', 'Lê Thị Ánh', 'Trần Thị Thu Hương']);
    expect((await d.listPeople({ unitCode: 'SNV', subtree: true })).map((p) => p.fullName)).toEqual(['Nguyễn Văn An', 'Lê Thị Ánh', 'Vũ Tiến Dũng', 'Phạm Minh Đức', 'Trần Thị Thu Hương']);
    expect((await d.listPeople({ limit: 2, offset: 2 })).map((p) => p.fullName)).toEqual(['Lê Thị Ánh', 'Vũ Tiến Dũng']);
  });

  it('moves, suspends (login refused, data kept), re-enables and renames with the old address kept as an alias', async () => {
    const d = t.app.directory;
    const an = (await t.app.directory.personByAddress('annv@kontum.gov.vn'))!;
    const moved = await d.movePerson(an.id, 'STTTT', { actor: 'cli:tester', reason: 'QĐ 45/QĐ-SNV' });
    expect(moved.unitCode).toBe('STTTT');
    const pw = 'Matkhau#2026';
    await t.app.accounts.setPassword(an.email!, pw, 'test');
    await d.setPersonStatus(an.id, 'suspended', ctx);
    expect(await t.app.accounts.authenticate('annv', pw)).toBeNull();
    expect((await d.getPerson(an.id))?.status).toBe('suspended');
    await d.setPersonStatus(an.id, 'active', ctx);
    expect(await t.app.accounts.authenticate('annv', pw)).not.toBeNull();
    const renamed = await d.updatePerson(an.id, { fullName: 'Nguyễn Văn Bình', changeAddress: true }, ctx);
    expect(renamed.email).toBe('binhnv@kontum.gov.vn');
    expect(renamed.aliases).toEqual(['annv@kontum.gov.vn']);
    expect((await t.app.accounts.authenticate('annv@kontum.gov.vn', pw))?.username).toBe('binhnv@kontum.gov.vn');
    const log = await t.app.audit.list(100);
    expect(log.find((e) => e.action === 'person.move')).toMatchObject({ reason: 'QĐ 45/QĐ-SNV', target: 'annv@kontum.gov.vn' });
  });

  it('resets a password: generated, meets the policy, change forced at the next login', async () => {
    const d = t.app.directory;
    const p = (await d.personByAddress('annv2@kontum.gov.vn'))!;
    const r = await d.resetPassword(p.id, ctx);
    expect(r.address).toBe('annv2@kontum.gov.vn');
    expect(() => checkPasswordStrength(r.password)).not.toThrow();
    const acct = await t.app.accounts.authenticate('annv2', r.password);
    expect(acct?.mustChangePassword).toBe(true);
    const unit = await d.resetPassword('snv@kontum.gov.vn', ctx);
    expect((await t.app.accounts.authenticate('snv', unit.password))?.mustChangePassword).toBe(true);
    const log = await t.app.audit.list(5);
    expect(JSON.stringify(log)).not.toContain(r.password);
  });

  it('hands the unit mailbox over to the new head (R8.3): manage, read, send-as; the old head loses it', async () => {
    const d = t.app.directory;
    const huong = (await d.personByAddress('huongttt@kontum.gov.vn'))!;
    const anh = (await d.personByAddress('anhlt@kontum.gov.vn'))!;
    let unit = await d.setUnitHead('SNV', huong.id, ctx);
    expect(unit.headPersonId).toBe(huong.id);
    expect(await t.app.delegations.list('snv@kontum.gov.vn')).toEqual([{ grantee: 'huongttt@kontum.gov.vn', granteeAccountId: huong.accountId, rights: ['read', 'send-as', 'manage'] }]);
    unit = await d.setUnitHead('SNV', anh.id, { actor: 'cli:tester', reason: 'QĐ 77/QĐ-UBND' });
    expect(unit.headPersonId).toBe(anh.id);
    expect((await t.app.delegations.list('snv@kontum.gov.vn')).map((g) => g.grantee)).toEqual(['anhlt@kontum.gov.vn']);
    expect(await t.app.delegations.rightsOn(unit.mailboxAccountId!, huong.accountId!)).toEqual([]);
    const heads = (await t.app.audit.list(20)).filter((e) => e.action === 'unit.head');
    expect(heads[0]).toMatchObject({ reason: 'QĐ 77/QĐ-UBND', details: JSON.stringify({ from: 'huongttt@kontum.gov.vn', to: 'anhlt@kontum.gov.vn' }) });
  });

  it('a head change rotates the unit mailbox password; a head must be of the unit subtree; a head who leaves vacates the headship but stays a leader for retention', async () => {
    const d = t.app.directory;
    const can = await d.createPerson({ fullName: 'Trịnh Văn Cán', unitCode: 'BDT', title: 'Chuyên viên', localPart: 'cantv' }, ctx);
    const outsider = await d.createPerson({ fullName: 'Lò Văn Ngoài', unitCode: 'STTTT', localPart: 'ngoailv' }, ctx);
    await rejectsWith(d.setUnitHead('BDT', outsider.person.id, ctx), 'UNIT_HEAD_OUTSIDE');
    const before = (await t.app.db.kysely.selectFrom('accounts').select('password_hash').where('username', '=', 'bandantoc@kontum.gov.vn').executeTakeFirstOrThrow()).password_hash;
    const unit = await d.setUnitHead('BDT', can.person.id, ctx);
    expect(unit.mailboxPassword).toMatch(/^\S{14}$/);
    const after = await t.app.db.kysely.selectFrom('accounts').select(['password_hash', 'must_change_password']).where('username', '=', 'bandantoc@kontum.gov.vn').executeTakeFirstOrThrow();
    expect(after.password_hash).not.toBe(before);
    expect(Number(after.must_change_password)).toBe(1);
    const left = await d.setPersonStatus(can.person.id, 'left', ctx);
    expect(left.warnings).toEqual([expect.objectContaining({ code: 'HEAD_VACATED', unit: 'BDT' })]);
    expect((await d.getUnit('BDT'))!.headPersonId).toBeNull();
    expect(await t.app.delegations.list('bandantoc@kontum.gov.vn')).toEqual([]);
    const leftAt = (await t.app.db.kysely.selectFrom('people').select('left_at').where('id', '=', can.person.id).executeTakeFirstOrThrow()).left_at!;
    expect(await d.purgeableFrom(can.person.id)).toBe(addMonths(Number(leftAt), 12));
  });

  it('a leaver is disabled and kept; purge is refused before retention (6 months, 12 for leaders) and deletes the mailbox after', async () => {
    const d = t.app.directory;
    const duc = (await d.personByAddress('ducpm@kontum.gov.vn'))!;
    const huong = (await d.personByAddress('huongttt@kontum.gov.vn'))!; // Giám đốc: a leader
    await rejectsWith(d.purgePerson(duc.id, ctx), 'PURGE_NOT_LEFT');
    await d.setPersonStatus(duc.id, 'left', ctx);
    await d.setPersonStatus(huong.id, 'left', ctx);
    expect(await t.app.accounts.byAddress(duc.email!)).toMatchObject({ status: 'disabled' });
    await rejectsWith(d.purgePerson(duc.id, ctx), 'RETENTION_NOT_PASSED');
    const monthsAgo = (m: number) => Date.now() - m * 31 * 24 * 3600 * 1000;
    await t.app.db.kysely
      .updateTable('people')
      .set({ left_at: monthsAgo(7) })
      .where('id', 'in', [duc.id, huong.id])
      .execute();
    await rejectsWith(d.purgePerson(huong.id, ctx), 'RETENTION_NOT_PASSED');
    beforePurge = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    await t.app.store.append(duc.accountId!, 'INBOX', Buffer.from('Subject: x\r\n\r\nbody\r\n'), []);
    await d.purgePerson(duc.id, { actor: 'cli:tester', reason: 'CV 9/VP' });
    expect(await d.getPerson(duc.id)).toBeNull();
    expect(await t.app.accounts.byAddress(duc.email!)).toBeNull();
    const left = await t.app.db.kysely.selectFrom('mailboxes').select('id').where('account_id', '=', duc.accountId!).execute();
    expect(left).toEqual([]);
    await t.app.db.kysely
      .updateTable('people')
      .set({ left_at: monthsAgo(13) })
      .where('id', '=', huong.id)
      .execute();
    await d.purgePerson(huong.id, ctx);
    expect(await d.getPerson(huong.id)).toBeNull();
  });

  it('reads the directory as of a past date', async () => {
    const d = t.app.directory;
    const before = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    const dung = (await d.personByAddress('dungvt@kontum.gov.vn'))!;
    await d.updatePerson(dung.id, { title: 'Phó Trưởng phòng' }, ctx);
    await d.movePerson(dung.id, 'BDT', ctx);
    await d.updateUnit('BDT', { name: 'Ban Dân tộc tỉnh' }, ctx);
    await d.createUnit({ code: 'SDTTG', name: 'Sở Dân tộc và Tôn giáo', kind: 'agency', parentCode: 'KT' }, ctx);
    const thenPeople = await d.listPeople({ asOf: before });
    const thenDung = thenPeople.find((p) => p.id === dung.id)!;
    expect(thenDung).toMatchObject({ title: '', unitCode: 'SNV-TCBC' });
    expect(thenPeople.some((p) => p.email === 'ducpm@kontum.gov.vn')).toBe(false); // purged
    const beforePurgeList = await d.listPeople({ asOf: beforePurge });
    expect(beforePurgeList.find((p) => p.email === 'ducpm@kontum.gov.vn')).toMatchObject({ status: 'left', fullName: 'Phạm Minh Đức' });
    const nowDung = (await d.getPerson(dung.id))!;
    expect(nowDung).toMatchObject({ title: 'Phó Trưởng phòng', unitCode: 'BDT', unitName: 'Ban Dân tộc tỉnh' });
    const thenUnits = await d.listUnits({ asOf: before });
    expect(thenUnits.find((u) => u.code === 'BDT')?.name).toBe('Ban Dân tộc');
    expect(thenUnits.some((u) => u.code === 'SDTTG')).toBe(false);
    // business validity: STTTT ended on 1 March 2025
    const after = await d.listUnits({ asOf: Date.now() });
    expect(after.some((u) => u.code === 'STTTT')).toBe(false);
    expect((await d.listPeople({ asOf: before, unitCode: 'SNV', subtree: true })).map((p) => p.fullName)).toContain('Vũ Tiến Dũng');
  });
});
