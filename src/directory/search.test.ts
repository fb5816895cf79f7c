// Directory search as Vietnamese users expect it, on SQLite and PostgreSQL: diacritic-insensitive
// and đ-aware, prefix and multi-word, ranked (whole name, given name, whole words first), both tone
// placements found, kinds and unit subtrees filtered, leavers hidden; and an index in another
// process (another DirectoryService on the same database) sees changes through the version check.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { DirectoryService } from './service.ts';

const ctx = { actor: 'cli:tester', reason: 'test' };

describe.each(backends())('directory search on %s', (backend) => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    t = await createTestApp({ backend });
    const d = t.app.directory;
    await d.createUnit({ code: 'KT', name: 'Ủy ban nhân dân tỉnh Kon Tum', abbreviation: 'ubnd', kind: 'province' }, ctx);
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'KT' }, ctx);
    await d.createUnit({ code: 'STTTT', name: 'Sở Thông tin và Truyền thông', kind: 'agency', parentCode: 'KT' }, ctx);
    await d.createUnit({ code: 'DGL', name: 'Ủy ban nhân dân huyện Đăk Glei', abbreviation: 'dakglei', kind: 'district', parentCode: 'KT' }, ctx);
    const people: Array<[string, string]> = [
      ['Nguyễn Văn An', 'SNV'],
      ['Đặng Văn Bình', 'SNV'],
      ['Dương Thị Lan', 'STTTT'],
      ['Nguyễn Thị Anh', 'STTTT'],
      ['Trần An Khang', 'SNV'],
      ['Lê Thị Hòa', 'DGL'],
      ['Phạm Thị Hoà', 'DGL'],
      ['Nguyễn Văn Đông', 'DGL'],
      ['Ngụy Văn Tâm', 'SNV'],
      ['Hoàng Văn Dang', 'STTTT'],
      ['Trần Văn Nghỉ', 'SNV'],
    ];
    for (const [name, unit] of people) ids[name] = (await d.createPerson({ fullName: name, unitCode: unit }, ctx)).person.id;
    await d.setPersonStatus(ids['Trần Văn Nghỉ'], 'left', ctx);
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  const names = async (q: string, opts: Parameters<DirectoryService['search']>[1] = {}) => (await t.app.directory.search(q, opts)).map((e) => e.name);

  it('looks up a whole name exactly (byName): accents, case and đ ignored, leavers and part names not found', async () => {
    const byName = async (n: string, kinds?: Array<'person' | 'unit' | 'list'>) => (await t.app.directory.byName(n, kinds)).map((e) => e.name);
    expect(await byName('DANG VAN BINH')).toEqual(['Đặng Văn Bình']);
    expect(await byName('  đặng   văn bình ')).toEqual(['Đặng Văn Bình']);
    expect(await byName('so noi vu')).toEqual(['Sở Nội vụ']);
    expect(await byName('so noi vu', ['person'])).toEqual([]);
    expect(await byName('Văn Bình')).toEqual([]);
    expect(await byName('Trần Văn Nghỉ')).toEqual([]); // left
  });

  it('is diacritic-insensitive and đ-aware: dang finds Đặng', async () => {
    const r = await names('dang');
    expect(r).toContain('Đặng Văn Bình');
    expect(r).toContain('Hoàng Văn Dang');
    expect(r).not.toContain('Dương Thị Lan');
    // typed with accents, the exact spelling ranks first
    expect((await names('Đặng'))[0]).toBe('Đặng Văn Bình');
    expect((await names('ĐẶNG'))[0]).toBe('Đặng Văn Bình');
  });

  it('finds a whole name typed without accents, first', async () => {
    expect((await names('nguyen van an'))[0]).toBe('Nguyễn Văn An');
    expect(await names('nguyen van an')).toEqual(['Nguyễn Văn An']);
    expect(await names('Nguyễn Văn An')).toEqual(['Nguyễn Văn An']);
  });

  it('matches prefixes and several words in any order', async () => {
    const ngu = await names('ngu');
    expect(ngu).toEqual(expect.arrayContaining(['Nguyễn Văn An', 'Nguyễn Thị Anh', 'Nguyễn Văn Đông', 'Ngụy Văn Tâm']));
    expect(ngu).toHaveLength(4);
    expect(await names('an nguyen')).toEqual(['Nguyễn Văn An', 'Nguyễn Thị Anh']);
    expect(await names('ng th an')).toEqual(['Nguyễn Thị Anh']);
  });

  it('ranks the given name before other words and prefixes', async () => {
    const r = await names('an', { kinds: ['person'] });
    // given name An (exact) > An as a middle name (whole word) > given name Anh (prefix)
    expect(r).toEqual(['Nguyễn Văn An', 'Trần An Khang', 'Nguyễn Thị Anh']);
  });

  it('finds both tone placements (hòa / hoà)', async () => {
    expect(await names('hòa')).toEqual(expect.arrayContaining(['Lê Thị Hòa', 'Phạm Thị Hoà']));
    expect(await names('hoà')).toEqual(expect.arrayContaining(['Lê Thị Hòa', 'Phạm Thị Hoà']));
    // whole-word matches before the prefix match Hoàng
    expect(await names('hoa')).toHaveLength(3);
    expect((await names('hoa')).slice(0, 2).sort()).toEqual(['Lê Thị Hòa', 'Phạm Thị Hoà']);
    expect((await names('hoa'))[2]).toBe('Hoàng Văn Dang');
  });

  it('finds units by name, code or mailbox, and anything by its address', async () => {
    expect(await names('noi vu', { kinds: ['unit'] })).toEqual(['Sở Nội vụ']);
    expect(await names('dak glei')).toEqual(['Ủy ban nhân dân huyện Đăk Glei']);
    expect(await names('stttt')).toEqual(['Sở Thông tin và Truyền thông']);
    const [hit] = await t.app.directory.search('annv@kontum.gov.vn');
    expect(hit).toMatchObject({ kind: 'person', name: 'Nguyễn Văn An', email: 'annv@kontum.gov.vn', unitCode: 'SNV', unitName: 'Sở Nội vụ', givenName: 'An', familyName: 'Nguyễn' });
    expect(await names('annv')).toEqual(['Nguyễn Văn An']);
  });

  it('filters by unit subtree and hides people who left', async () => {
    const kt = (await t.app.directory.getUnit('KT'))!;
    const dgl = (await t.app.directory.getUnit('DGL'))!;
    expect(await names('van', { unitId: dgl.id })).toEqual(['Nguyễn Văn Đông']);
    expect(await names('van', { unitId: kt.id, kinds: ['person'] })).toHaveLength(5);
    expect(await names('nghi')).toEqual([]);
    expect(await names('nghi', { includeInactive: true })).toEqual(['Trần Văn Nghỉ']);
    expect(await names('zzz')).toEqual([]);
    expect(await names('   ')).toEqual([]);
  });

  it('another process sees changes: its index follows the directory version', async () => {
    const other = new DirectoryService({ db: t.app.db.kysely, accounts: t.app.accounts, audit: t.app.audit, primaryDomain: 'kontum.gov.vn', rules: t.app.config.directory });
    expect(await other.search('binh')).toHaveLength(1);
    await t.app.directory.createPerson({ fullName: 'Võ Thanh Bình', unitCode: 'SNV' }, ctx);
    await t.app.directory.updatePerson(ids['Đặng Văn Bình'], { fullName: 'Đặng Văn Bảo' }, ctx);
    await t.app.directory.updateUnit('SNV', { name: 'Sở Nội vụ tỉnh Kon Tum' }, ctx);
    const r = await other.search('binh');
    // the renamed person is still found by the address made from the old name (binhdv)
    expect(r.map((e) => e.name)).toEqual(['Võ Thanh Bình', 'Đặng Văn Bảo']);
    expect(r[0].unitName).toBe('Sở Nội vụ tỉnh Kon Tum');
    expect((await other.search('bao'))[0]).toMatchObject({ name: 'Đặng Văn Bảo', email: 'binhdv@kontum.gov.vn' });
  });
});
