// Distribution lists: static lists with local and remote members, lists derived from the tree
// (unit-members follows a person who moves or leaves; unit-heads follows appointments), nested
// lists, the four sender policies, one address space with mailboxes, and audited changes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { isThutinError } from '../core/errors.ts';

const ctx = { actor: 'cli:tester', reason: 'QĐ 20/QĐ-UBND' };
const code = (c: string) => (e: unknown) => isThutinError(e, c as never);

describe.each(backends())('distribution lists (%s)', (backend) => {
  let t: TestApp;
  let an: string; // Nguyễn Văn An, Sở Nội vụ
  let binh: string; // Lê Thị Bình, Sở TT&TT, head
  let anId: number;
  beforeAll(async () => {
    t = await createTestApp({ backend });
    const d = t.app.directory;
    await d.createUnit({ code: 'UBND', name: 'Ủy ban nhân dân tỉnh Kon Tum', kind: 'province', withMailbox: false }, ctx);
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'UBND', withMailbox: false }, ctx);
    await d.createUnit({ code: 'STTTT', name: 'Sở Thông tin và Truyền thông', kind: 'agency', parentCode: 'UBND', withMailbox: false }, ctx);
    await d.createUnit({ code: 'SNV-VP', name: 'Văn phòng Sở Nội vụ', kind: 'department', parentCode: 'SNV', withMailbox: false }, ctx);
    const a = await d.createPerson({ fullName: 'Nguyễn Văn An', unitCode: 'SNV-VP', password: TEST_PASSWORD }, ctx);
    const b = await d.createPerson({ fullName: 'Lê Thị Bình', unitCode: 'STTTT', password: TEST_PASSWORD }, ctx);
    an = a.address;
    binh = b.address;
    anId = a.person.id;
    await d.setUnitHead('STTTT', b.person.id, ctx);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('keeps static members, local and remote, and refuses bad input', async () => {
    const l = t.app.lists;
    await l.create({ address: 'Ban-Bien-Tap@kontum.gov.vn', name: 'Ban biên tập Cổng thông tin', kind: 'static', senders: 'members' }, ctx);
    await l.addMember('ban-bien-tap@kontum.gov.vn', an, ctx);
    await l.addMember('ban-bien-tap@kontum.gov.vn', 'Phong.Vien@Baokontum.com.vn', ctx);
    await l.addMember('ban-bien-tap@kontum.gov.vn', an, ctx); // twice: once
    expect(await l.expand('ban-bien-tap@kontum.gov.vn')).toEqual([an, 'phong.vien@baokontum.com.vn']);
    expect(await l.get('BAN-BIEN-TAP@kontum.gov.vn')).toMatchObject({ name: 'Ban biên tập Cổng thông tin', kind: 'static', senders: 'members', unitId: null });
    await expect(l.addMember('ban-bien-tap@kontum.gov.vn', 'not an address', ctx)).rejects.toSatisfy(code('ADDRESS_INVALID'));
    await expect(l.create({ address: an, name: 'Trùng', kind: 'static' }, ctx)).rejects.toSatisfy(code('LIST_EXISTS'));
    await expect(l.create({ address: 'ban-bien-tap@kontum.gov.vn', name: 'Trùng', kind: 'static' }, ctx)).rejects.toSatisfy(code('LIST_EXISTS'));
    await expect(l.create({ address: 'x@gmail.com', name: 'Ngoài', kind: 'static' }, ctx)).rejects.toSatisfy(code('DOMAIN_NOT_LOCAL'));
    await expect(l.create({ address: 'x@kontum.gov.vn', name: 'Không đơn vị', kind: 'unit-members' }, ctx)).rejects.toSatisfy(code('LIST_INVALID'));
    await expect(l.create({ address: 'x@kontum.gov.vn', name: 'Sai đơn vị', kind: 'unit-members', unitCode: 'KHONGCO' }, ctx)).rejects.toSatisfy(code('LIST_INVALID'));
    await expect(l.create({ address: 'x@kontum.gov.vn', name: 'Sai', kind: 'static', senders: 'everyone' as never }, ctx)).rejects.toSatisfy(code('LIST_INVALID'));
    await l.removeMember('ban-bien-tap@kontum.gov.vn', 'phong.vien@baokontum.com.vn', ctx);
    expect(await l.expand('ban-bien-tap@kontum.gov.vn')).toEqual([an]);
    const log = (await t.app.audit.list()).filter((e) => e.target === 'ban-bien-tap@kontum.gov.vn').map((e) => e.action);
    expect(log).toEqual(['list.member.remove', 'list.member.add', 'list.member.add', 'list.create']);
  });

  it('derives unit-members from the subtree and follows a person who moves or leaves', async () => {
    const l = t.app.lists;
    await l.create({ address: 'snv@kontum.gov.vn', name: 'Toàn thể Sở Nội vụ', kind: 'unit-members', unitCode: 'SNV' }, ctx);
    await l.create({ address: 'toan-tinh@kontum.gov.vn', name: 'Toàn tỉnh', kind: 'unit-members', unitCode: 'UBND' }, ctx);
    expect(await l.expand('snv@kontum.gov.vn')).toEqual([an]); // from a department below SNV
    expect((await l.expand('toan-tinh@kontum.gov.vn')).sort()).toEqual([an, binh].sort());
    await expect(l.addMember('snv@kontum.gov.vn', binh, ctx)).rejects.toSatisfy(code('LIST_INVALID'));
    await t.app.directory.movePerson(anId, 'STTTT', ctx);
    expect(await l.expand('snv@kontum.gov.vn')).toEqual([]);
    await t.app.directory.movePerson(anId, 'SNV', ctx);
    expect(await l.expand('snv@kontum.gov.vn')).toEqual([an]);
    await t.app.directory.setPersonStatus(anId, 'suspended', ctx);
    expect(await l.expand('snv@kontum.gov.vn')).toEqual([]);
    // Delivery resolves a whole expansion at once: active accounts only, remote addresses absent.
    expect([...(await l.activeAccounts([an, binh.toUpperCase(), 'phong.vien@baokontum.com.vn'])).keys()]).toEqual([binh]);
    await t.app.directory.setPersonStatus(anId, 'active', ctx);
    expect(await l.expand('snv@kontum.gov.vn')).toEqual([an]);
  });

  it('derives unit-heads from the heads of the child units', async () => {
    const l = t.app.lists;
    await l.create({ address: 'thu-truong@kontum.gov.vn', name: 'Thủ trưởng các sở, ngành', kind: 'unit-heads', unitCode: 'UBND', senders: 'listed' }, ctx);
    expect(await l.expand('thu-truong@kontum.gov.vn')).toEqual([binh]);
    await t.app.directory.setUnitHead('SNV', anId, ctx);
    expect((await l.expand('thu-truong@kontum.gov.vn')).sort()).toEqual([an, binh].sort());
    await t.app.directory.setUnitHead('SNV', null, ctx);
    expect(await l.expand('thu-truong@kontum.gov.vn')).toEqual([binh]);
  });

  it('follows nested lists once, without looping', async () => {
    const l = t.app.lists;
    await l.create({ address: 'a-list@kontum.gov.vn', name: 'A', kind: 'static' }, ctx);
    await l.create({ address: 'b-list@kontum.gov.vn', name: 'B', kind: 'static' }, ctx);
    await l.addMember('a-list@kontum.gov.vn', 'b-list@kontum.gov.vn', ctx);
    await l.addMember('b-list@kontum.gov.vn', 'a-list@kontum.gov.vn', ctx);
    await l.addMember('b-list@kontum.gov.vn', 'thu-truong@kontum.gov.vn', ctx);
    await l.addMember('a-list@kontum.gov.vn', binh, ctx);
    expect(await l.expand('a-list@kontum.gov.vn')).toEqual([binh]);
  });

  it('applies the sender policies', async () => {
    const l = t.app.lists;
    await l.create({ address: 'cong-khai@kontum.gov.vn', name: 'Hộp thư công khai', kind: 'static', senders: 'anyone' }, ctx);
    await l.create({ address: 'noi-bo@kontum.gov.vn', name: 'Nội bộ', kind: 'static' }, ctx); // default: local
    expect(await l.mayPost('cong-khai@kontum.gov.vn', 'ai.do@gmail.com')).toBe(true);
    expect(await l.mayPost('cong-khai@kontum.gov.vn', '')).toBe(true);
    expect(await l.mayPost('noi-bo@kontum.gov.vn', binh)).toBe(true);
    expect(await l.mayPost('noi-bo@kontum.gov.vn', 'ai.do@gmail.com')).toBe(false);
    expect(await l.mayPost('noi-bo@kontum.gov.vn', 'khongco@kontum.gov.vn')).toBe(false);
    expect(await l.mayPost('ban-bien-tap@kontum.gov.vn', an)).toBe(true); // members
    expect(await l.mayPost('ban-bien-tap@kontum.gov.vn', binh)).toBe(false);
    expect(await l.mayPost('thu-truong@kontum.gov.vn', binh)).toBe(false); // listed, nobody yet
    await l.addMember('thu-truong@kontum.gov.vn', 'vanphong@kontum.gov.vn', ctx, 'sender');
    expect(await l.mayPost('thu-truong@kontum.gov.vn', 'VanPhong@kontum.gov.vn')).toBe(true);
    expect(await l.senders('thu-truong@kontum.gov.vn')).toEqual(['vanphong@kontum.gov.vn']);
    expect(await l.mayPost('khong-co@kontum.gov.vn', binh)).toBe(false);
  });

  it('deletes a list with its members', async () => {
    await t.app.lists.remove('a-list@kontum.gov.vn', ctx);
    expect(await t.app.lists.get('a-list@kontum.gov.vn')).toBeNull();
    await expect(t.app.lists.expand('a-list@kontum.gov.vn')).rejects.toSatisfy(code('LIST_NOT_FOUND'));
    expect((await t.app.lists.list()).map((x) => x.address)).not.toContain('a-list@kontum.gov.vn');
  });
});
