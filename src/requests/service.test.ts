// The request service over a real database (SQLite and PostgreSQL): a failed execution is visible
// with its error and applies nothing of the failing row, and a retry once the cause is gone finishes
// it; an execution interrupted after an effect was applied but before it was marked done (a crash)
// does not apply it twice; a submitted request past its service level is flagged overdue and the
// approvers are told once; runDue leaves a request alone before its effective date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import type { RequestActor } from './service.ts';

const DAY = 86_400_000;
const DOC = { number: '300/QĐ-UBND', date: '2026-12-04', signer: 'Chủ tịch UBND tỉnh' };

for (const backend of backends()) {
  describe(`request service (${backend})`, { timeout: 60_000 }, () => {
    let t: TestApp;
    let office: RequestActor;
    const ctx = { actor: 'test', reason: 'QĐ 1' };
    beforeAll(async () => {
      t = await createTestApp({ backend });
      const d = t.app.directory;
      await d.createUnit({ code: 'UBND', name: 'Ủy ban nhân dân tỉnh', kind: 'province', withMailbox: false }, ctx);
      await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'UBND', withMailbox: false }, ctx);
      const admin = await d.createPerson({ fullName: 'Nguyễn Văn Quản', unitCode: 'UBND', localPart: 'quannv', password: TEST_PASSWORD }, ctx);
      await t.app.roles.grant(admin.address, 'sysadmin', null, ctx);
      office = { principal: await t.app.roles.principal(admin.person.accountId!), label: 'api:quannv@kontum.gov.vn' };
    });
    afterAll(async () => t?.cleanup());

    const approved = async (kind: Parameters<typeof t.app.requests.file>[1]['kind'], payload: Record<string, unknown>, extra: { effectiveDate?: string } = {}) => {
      const r = await t.app.requests.file(office, { kind, payload, document: DOC, ...extra });
      await t.app.requests.submit(office, r.id);
      return (await t.app.requests.approve(office, r.id)).id;
    };

    it('a failed execution is visible, applies nothing of its row, and a retry finishes it', async () => {
      const d = t.app.directory;
      await d.createUnit({ code: 'SNV-CU', name: 'Phòng cũ', kind: 'department', parentCode: 'SNV', withMailbox: false }, ctx);
      const p = await d.createPerson({ fullName: 'Lý Văn Ở', unitCode: 'SNV-CU', localPart: 'olv', password: TEST_PASSWORD }, ctx);
      const id = await approved('unit-dissolve', { unitCode: 'SNV-CU', successorCode: 'SNV' });
      const failed = await t.app.requests.execute(office, id);
      expect(failed.state).toBe('failed');
      expect(failed.error).toContain('Đơn vị còn cán bộ đang công tác');
      expect(failed.items[0]).toMatchObject({ state: 'failed' });
      expect((await d.getUnit('SNV-CU'))!.validTo).toBeNull();
      // the cause goes (the person moves), the retry finishes
      await d.movePerson(p.person.id, 'SNV', ctx);
      const done = await t.app.requests.execute(office, id);
      expect(done.state).toBe('notified');
      const unit = (await d.getUnit('SNV-CU'))!;
      expect(unit.validTo).not.toBeNull();
      expect(unit.successorId).toBe((await d.getUnit('SNV'))!.id);
      expect(done.events.map((e) => e.event)).toEqual(['create', 'submit', 'approve', 'start', 'fail', 'start', 'finish', 'notify']);
    });

    it('an effect applied before a crash is not applied again on the retry', async () => {
      const id = await approved('joiner', { fullName: 'Phan Thị Lặp', unitCode: 'SNV' });
      // the crash: the person was created under this request, but the row was never marked done
      const first = await t.app.directory.createPerson({ fullName: 'Phan Thị Lặp', unitCode: 'SNV', confirmDuplicate: true }, { actor: `request:${id}`, reason: 'x', requestId: id });
      const d = await t.app.requests.execute(office, id);
      expect(d.state).toBe('notified');
      expect(d.items[0].result).toMatchObject({ personId: first.person.id, alreadyDone: true });
      const same = (await t.app.directory.listPeople({ unitCode: 'SNV' })).filter((x) => x.fullName === 'Phan Thị Lặp');
      expect(same).toHaveLength(1);
    });

    it('an execution whose executor crashed is taken over once its claim lapses, not before', async () => {
      const id = await approved('update', { person: 'quannv@kontum.gov.vn', title: 'Chánh Văn phòng' });
      const now = Date.now();
      // an executor claimed it and died: state executing, a claim running for ten more minutes
      await t.app.db.kysely
        .updateTable('requests')
        .set({ state: 'executing', lease_until: now + 600_000 })
        .where('id', '=', id)
        .execute();
      expect((await t.app.requests.runDue(now)).executed).not.toContain(id);
      await expect(t.app.requests.execute(office, id)).rejects.toThrow(/trạng thái/);
      expect((await t.app.requests.runDue(now + 600_001)).executed).toContain(id);
      expect((await t.app.directory.personByAddress('quannv@kontum.gov.vn'))!.title).toBe('Chánh Văn phòng');
    });

    it('a unit renamed through a request keeps its mailbox, which takes the new address (the old one stays an alias)', async () => {
      const d = t.app.directory;
      await d.createUnit({ code: 'SNV-TDKT', name: 'Phòng Thi đua', kind: 'department', parentCode: 'SNV', abbreviation: 'snvtd' }, ctx);
      const id = await approved('unit-rename', { unitCode: 'SNV-TDKT', name: 'Ban Thi đua - Khen thưởng', abbreviation: 'snvtdkt' });
      expect((await t.app.requests.execute(office, id)).state).toBe('notified');
      const unit = (await d.getUnit('SNV-TDKT'))!;
      expect(unit.name).toBe('Ban Thi đua - Khen thưởng');
      expect(unit.mailbox).toBe('snvtdkt@kontum.gov.vn');
      expect((await t.app.accounts.byAddress('snvtd@kontum.gov.vn'))!.id).toBe(unit.mailboxAccountId);
      expect((await d.history('unit', unit.id)).at(-1)).toMatchObject({ requestId: id, outsideRequest: false });
      expect((await d.history('unit', unit.id))[0]).toMatchObject({ requestId: null, outsideRequest: true });
    });

    it('a joiner whose name the directory would refuse is refused when filed, not when executed', async () => {
      await expect(t.app.requests.file(office, { kind: 'joiner', payload: { fullName: 'Nguyễn 2', unitCode: 'SNV' } })).rejects.toThrow(/Họ tên không hợp lệ/);
      const batch = t.app.requests.file(office, { kind: 'batch', csv: '\ufeffloai_yeu_cau,ho_ten,ma_don_vi\r\ntiếp nhận,Trần Thị Ba,SNV\r\ntiếp nhận,An,SNV\r\n' });
      await expect(batch).rejects.toMatchObject({ errors: [{ line: 3, message: expect.stringContaining('Họ tên không hợp lệ') }] });
    });

    it("a merger moves the unit's people and sub-units to the successor, then dissolves it; people keep their addresses", async () => {
      const d = t.app.directory;
      await d.createUnit({ code: 'SKHCN', name: 'Sở Khoa học và Công nghệ', kind: 'agency', parentCode: 'UBND', withMailbox: false }, ctx);
      await d.createUnit({ code: 'STTTT', name: 'Sở Thông tin và Truyền thông', kind: 'agency', parentCode: 'UBND', withMailbox: false }, ctx);
      await d.createUnit({ code: 'STTTT-BC', name: 'Phòng Báo chí - Xuất bản', kind: 'department', parentCode: 'STTTT', withMailbox: false }, ctx);
      const a = await d.createPerson({ fullName: 'Trịnh Văn Hợp', unitCode: 'STTTT', localPart: 'hoptv', password: TEST_PASSWORD }, ctx);
      const b = await d.createPerson({ fullName: 'Lò Thị Nhất', unitCode: 'STTTT', localPart: 'nhatlt', password: TEST_PASSWORD }, ctx);
      const refused = t.app.requests.file(office, { kind: 'unit-dissolve', payload: { unitCode: 'STTTT', merge: true } });
      await expect(refused).rejects.toThrow(/sáp nhập cần đơn vị kế nhiệm/);
      const id = await approved('unit-dissolve', { unitCode: 'STTTT', successorCode: 'SKHCN', merge: true });
      const done = await t.app.requests.execute(office, id);
      expect(done.state).toBe('notified');
      expect((done.items[0].result as { moved: string[] }).moved.sort()).toEqual([a.address, b.address].sort());
      expect((await d.personByAddress(a.address))!.unitCode).toBe('SKHCN');
      expect((await d.getUnit('STTTT-BC'))!.parentId).toBe((await d.getUnit('SKHCN'))!.id);
      const old = (await d.getUnit('STTTT'))!;
      expect(old.validTo).not.toBeNull();
      expect(old.successorId).toBe((await d.getUnit('SKHCN'))!.id);
      // every change names the request
      expect(
        done.changes
          .filter((c) => c.entity === 'person')
          .map((c) => c.entityId)
          .sort(),
      ).toEqual([a.person.id, b.person.id].sort());
    });

    it('runDue waits for the effective date', async () => {
      const p = await t.app.directory.createPerson({ fullName: 'Hà Văn Đợi', unitCode: 'SNV', localPart: 'doihv', password: TEST_PASSWORD }, ctx);
      const id = await approved('leaver', { person: p.address }, { effectiveDate: '2030-01-15' });
      const row = await t.app.requests.detail(t.app.db.kysely, id);
      expect(row.effectiveAt).toBe(Date.parse('2030-01-15T00:00:00+07:00'));
      expect((await t.app.requests.runDue(row.effectiveAt! - 1)).executed).not.toContain(id);
      expect((await t.app.directory.getPerson(p.person.id))!.status).toBe('active');
      expect((await t.app.requests.runDue(row.effectiveAt!)).executed).toContain(id);
      expect((await t.app.directory.getPerson(p.person.id))!.status).toBe('left');
    });

    it('a submitted request past its service level is overdue, and the approvers are told once', async () => {
      const r = await t.app.requests.file(office, { kind: 'update', payload: { person: 'quannv@kontum.gov.vn', phone: '0260 3999 999' } });
      const submitted = await t.app.requests.submit(office, r.id);
      expect(submitted.overdue).toBe(false);
      // five working days (config requests.serviceLevelDays) are at least seven calendar days
      expect(submitted.dueAt! - submitted.submittedAt!).toBeGreaterThanOrEqual(5 * DAY);
      const later = submitted.dueAt! + 1;
      const first = await t.app.requests.runDue(later);
      expect(first.overdue).toContain(r.id);
      expect((await t.app.requests.runDue(later + DAY)).overdue).not.toContain(r.id);
      const acct = (await t.app.accounts.byAddress('quannv@kontum.gov.vn'))!;
      const box = (await t.app.store.getMailbox(acct.id, 'INBOX'))!;
      const subjects = await Promise.all((await t.app.store.listMessages(box.id)).map(async (m) => (await t.app.store.readMessage(m)).toString('utf8')));
      const overdue = subjects.filter(
        (raw) =>
          raw.includes(`X-Thutin-Request: ${r.id}`) &&
          Buffer.from(/^Subject: =\?UTF-8\?B\?([^?]+)/m.exec(raw)![1], 'base64')
            .toString()
            .includes('quá hạn'),
      );
      expect(overdue).toHaveLength(1);
    });
  });
}
