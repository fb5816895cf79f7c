// The search planner and the DIT over a small in-memory directory that keeps the directory
// core's interface (the e2e test runs the real one).
import { describe, expect, it } from 'vitest';
import type { DirectoryEntry, Person, Unit } from '../directory/service.ts';
import { foldVietnamese } from '../core/text/fold.ts';
import { DirectoryTree, type DirectorySource, type ListSource } from './directory-tree.ts';
import { ResultCode, Scope } from './protocol/constants.ts';
import { parseFilter } from './protocol/filter.ts';
import { DirectorySearch, searchTerms } from './search.ts';

const BASE = 'dc=kontum,dc=gov,dc=vn';

function unit(id: number, code: string, name: string, parentId: number | null, kind = 'agency', mailbox: string | null = null): Unit {
  return { id, code, name, abbreviation: code.toLowerCase(), kind, parentId, headPersonId: null, mailboxAccountId: null, mailbox, validFrom: null, validTo: null, successorId: null };
}

function person(id: number, fullName: string, local: string, opts: Partial<Person> = {}): Person {
  const words = fullName.split(' ');
  return {
    id,
    fullName,
    familyName: words[0],
    middleName: words.slice(1, -1).join(' '),
    givenName: words[words.length - 1],
    title: 'Chuyên viên',
    unitId: 2,
    unitCode: 'SNV',
    unitName: 'Sở Nội vụ',
    phone: '',
    status: 'active',
    accountId: 1000 + id,
    email: `${local}@kontum.gov.vn`,
    aliases: [],
    ...opts,
  };
}

class MemoryDirectory implements DirectorySource {
  searches: Array<{ q: string; limit?: number }> = [];
  constructor(
    readonly people: Person[],
    readonly units: Unit[],
  ) {}
  private words(p: Person): string[] {
    return foldVietnamese(`${p.fullName} ${p.email?.split('@')[0] ?? ''}`).split(/\s+/);
  }
  async search(q: string, opts: { limit?: number; kinds?: Array<'person' | 'unit' | 'list'> } = {}): Promise<DirectoryEntry[]> {
    this.searches.push({ q, limit: opts.limit });
    const terms = foldVietnamese(q).split(/\s+/).filter(Boolean);
    const out: DirectoryEntry[] = [];
    if (!opts.kinds || opts.kinds.includes('person')) {
      for (const p of this.people) {
        const w = this.words(p);
        if (terms.every((t) => w.some((x) => x.startsWith(t)))) {
          out.push({
            kind: 'person',
            id: p.id,
            name: p.fullName,
            email: p.email,
            title: p.title,
            unitId: p.unitId,
            unitCode: p.unitCode,
            unitName: p.unitName,
            phone: p.phone,
            givenName: p.givenName,
            familyName: p.familyName,
            status: p.status,
          });
        }
      }
    }
    if (!opts.kinds || opts.kinds.includes('unit')) {
      for (const u of this.units) {
        const w = foldVietnamese(`${u.name} ${u.code}`).split(/\s+/);
        if (terms.every((t) => w.some((x) => x.startsWith(t))))
          out.push({ kind: 'unit', id: u.id, name: u.name, email: u.mailbox, title: '', unitId: u.id, unitCode: u.code, unitName: u.name, phone: '', status: 'active' });
      }
    }
    return out.slice(0, opts.limit ?? 20);
  }
  async listPeople(opts: { status?: string; limit?: number; offset?: number } = {}): Promise<Person[]> {
    const list = this.people.filter((p) => !opts.status || p.status === opts.status);
    return list.slice(opts.offset ?? 0, (opts.offset ?? 0) + (opts.limit ?? list.length));
  }
  async listUnits(): Promise<Unit[]> {
    return this.units;
  }
  async personByAccount(accountId: number): Promise<Person | null> {
    return this.people.find((p) => p.accountId === accountId) ?? null;
  }
}

const lists: ListSource = {
  async get(address) {
    return address === 'lanhdao@kontum.gov.vn' ? { id: 1, address, name: 'Lãnh đạo Sở Nội vụ' } : null;
  },
  async list() {
    return [{ id: 1, address: 'lanhdao@kontum.gov.vn', name: 'Lãnh đạo Sở Nội vụ' }];
  },
  async expand() {
    return ['annv@kontum.gov.vn', 'huongdt@kontum.gov.vn'];
  },
};

function setup(people: Person[], maxResults = 500) {
  const dir = new MemoryDirectory(people, [unit(1, 'KONTUM', 'Tỉnh Kon Tum', null, 'province'), unit(2, 'SNV', 'Sở Nội vụ', 1, 'agency', 'snv@kontum.gov.vn')]);
  const accounts = {
    async byAddress(address: string) {
      const p = people.find((x) => x.email === address.toLowerCase());
      return p ? { id: p.accountId!, username: p.email!, status: 'active', quotaBytes: 0, mustChangePassword: false } : null;
    },
  };
  const tree = new DirectoryTree({ directory: dir, lists, accounts }, { domain: 'kontum.gov.vn' });
  return { dir, tree, search: new DirectorySearch(tree, { maxResults }) };
}

const PEOPLE = [
  person(1, 'Nguyễn Văn An', 'annv'),
  person(2, 'Đặng Thị Hương', 'huongdt', { title: 'Phó Giám đốc', phone: '0260 3862 123' }),
  person(3, 'Đặng Văn Dũng', 'dungdv', { status: 'suspended' }),
  person(4, 'Trần Đăng Khoa', 'khoatd'),
  person(5, 'Lê Thị Đào', 'daolt', { email: null, accountId: null }),
];

const run = (s: DirectorySearch, filter: string, baseObject = BASE, scope: number = Scope.sub, sizeLimit = 0) => s.run({ baseObject, scope, sizeLimit, filter: parseFilter(filter) });

describe('searchTerms: what to ask the directory index', () => {
  it.each([
    ['(cn=*dang*)', ['dang']],
    ['(|(cn=*Đặng*)(mail=*Đặng*)(givenName=*Đặng*)(sn=*Đặng*))', ['đặng']],
    ['(|(cn=dang*huong*)(mail=dang*huong*)(sn=dang*huong*))', ['dang huong']],
    ['(&(mail=*)(|(anr=huong)))', ['huong']],
    ['(&(objectClass=person)(|(cn=an*)(sn=an*)))', ['an']],
    ['(mail=annv@kontum.gov.vn)', ['annv']],
    ['(uid=annv)', ['annv']],
    ['(|(cn=an*)(sn=tran*))', ['an', 'tran']],
  ])('%s → %j', (f, terms) => {
    expect(searchTerms(parseFilter(f))).toEqual(terms);
  });

  it.each(['(objectClass=*)', '(|(cn=an*)(objectClass=person))', '(!(cn=an))', '(title=*giam doc*)', '(mail=*@kontum.gov.vn)', '(cn=*)', '(cn=*-*)'])('%s needs a listing', (f) => {
    expect(searchTerms(parseFilter(f))).toBeNull();
  });
});

describe('DirectorySearch', () => {
  it('(cn=*dang*) finds the active Đặng people only, not the suspended one or one without a mailbox', async () => {
    const { search } = setup(PEOPLE);
    const out = await run(search, '(cn=*dang*)');
    expect(out.code).toBe(ResultCode.success);
    expect(out.entries.map((e) => e.get('cn')!.values[0])).toEqual(['Đặng Thị Hương', 'Trần Đăng Khoa']);
  });

  it('people entries carry the inetOrgPerson attributes', async () => {
    const { search } = setup(PEOPLE);
    const [e] = (await run(search, '(uid=huongdt)')).entries;
    expect(e.dn).toBe(`uid=huongdt,ou=people,${BASE}`);
    expect(Object.fromEntries([...e.attrs.values()].map((a) => [a.name, a.values]))).toEqual({
      objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
      cn: ['Đặng Thị Hương'],
      displayName: ['Đặng Thị Hương'],
      sn: ['Đặng'],
      givenName: ['Hương'],
      mail: ['huongdt@kontum.gov.vn'],
      uid: ['huongdt'],
      title: ['Phó Giám đốc'],
      ou: ['Sở Nội vụ'],
      o: ['Tỉnh Kon Tum'],
      telephoneNumber: ['0260 3862 123'],
    });
  });

  it('a sizeLimit of 1 returns one entry and sizeLimitExceeded', async () => {
    const { search } = setup(PEOPLE);
    const out = await run(search, '(cn=*dang*)', BASE, Scope.sub, 1);
    expect(out.code).toBe(ResultCode.sizeLimitExceeded);
    expect(out.entries).toHaveLength(1);
  });

  it('(objectClass=*) lists the tree: base, containers, people, units, lists', async () => {
    const { search } = setup(PEOPLE);
    const out = await run(search, '(objectClass=*)');
    expect(out.code).toBe(ResultCode.success);
    expect(out.entries.map((e) => e.dn)).toEqual([
      BASE,
      `ou=people,${BASE}`,
      `ou=units,${BASE}`,
      `ou=lists,${BASE}`,
      `uid=annv,ou=people,${BASE}`,
      `uid=huongdt,ou=people,${BASE}`,
      `uid=khoatd,ou=people,${BASE}`,
      `ou=KONTUM,ou=units,${BASE}`,
      `ou=SNV,ou=units,${BASE}`,
      `mail=lanhdao@kontum.gov.vn,ou=lists,${BASE}`,
    ]);
  });

  it('the server limit bounds broad searches with sizeLimitExceeded', async () => {
    const many = Array.from({ length: 30 }, (_, i) => person(100 + i, `Nguyễn Văn Số${i}`, `so${i}`));
    const { search } = setup(many, 10);
    const out = await run(search, '(objectClass=inetOrgPerson)', `ou=people,${BASE}`, Scope.one);
    expect(out.code).toBe(ResultCode.sizeLimitExceeded);
    expect(out.entries).toHaveLength(10);
  });

  it('asks the index again with the full limit when the filter rejects most of a short answer', async () => {
    const many = Array.from({ length: 120 }, (_, i) => person(100 + i, `Nguyễn Văn Số${i}`, `so${i}`, { title: i >= 100 ? 'Giám đốc' : 'Chuyên viên' }));
    const { search, dir } = setup(many);
    const out = await run(search, '(&(cn=nguyen*)(title=giam doc))', BASE, Scope.sub, 5);
    expect(out.entries).toHaveLength(5);
    expect(out.code).toBe(ResultCode.sizeLimitExceeded);
    expect(dir.searches.map((s) => s.limit)).toEqual([50, 501]);
  });

  it('a search the index saturates at the server limit reports sizeLimitExceeded', async () => {
    const many = Array.from({ length: 30 }, (_, i) => person(100 + i, `Nguyễn Văn Số${i}`, `so${i}`));
    const { search } = setup(many, 10);
    const out = await run(search, '(cn=nguyen*)');
    expect(out.code).toBe(ResultCode.sizeLimitExceeded);
    expect(out.entries).toHaveLength(10);
  });

  it('an OR of more than 32 distinct names is refused with adminLimitExceeded, not run as 33 index queries', async () => {
    const { search, dir } = setup(PEOPLE);
    const many = Array.from({ length: 33 }, (_, i) => `(cn=ten${i}*)`).join('');
    expect((await run(search, `(|${many})`)).code).toBe(ResultCode.adminLimitExceeded);
    expect(dir.searches).toHaveLength(0);
    const fine = Array.from({ length: 32 }, (_, i) => `(cn=ten${i}*)`).join('');
    expect((await run(search, `(|${fine})`)).code).toBe(ResultCode.success);
  });

  it('a filter the index cannot answer is evaluated over the listing', async () => {
    const { search } = setup(PEOPLE);
    expect((await run(search, '(title=*giam doc*)')).entries.map((e) => e.dn)).toEqual([`uid=huongdt,ou=people,${BASE}`]);
    expect((await run(search, '(&(objectClass=organizationalUnit)(ou=*noi vu*))')).entries.map((e) => e.dn)).toEqual([`ou=SNV,ou=units,${BASE}`]);
  });

  it('scopes: base and one level on the base and the containers', async () => {
    const { search } = setup(PEOPLE);
    expect((await run(search, '(objectClass=*)', BASE, Scope.base)).entries.map((e) => e.dn)).toEqual([BASE]);
    expect((await run(search, '(objectClass=*)', BASE, Scope.one)).entries).toHaveLength(3);
    expect((await run(search, '(objectClass=*)', `ou=units,${BASE}`, Scope.one)).entries.map((e) => e.get('cn')!.values[0])).toEqual(['Tỉnh Kon Tum', 'Sở Nội vụ']);
    expect((await run(search, '(cn=*dang*)', `ou=units,${BASE}`, Scope.sub)).entries).toEqual([]);
  });

  it('base lookups of single entries by uid, mail, unit code and list address', async () => {
    const { search } = setup(PEOPLE);
    expect((await run(search, '(objectClass=*)', `uid=annv,ou=people,${BASE}`, Scope.base)).entries[0].get('cn')!.values).toEqual(['Nguyễn Văn An']);
    expect((await run(search, '(objectClass=*)', `mail=ANNV@kontum.gov.vn,ou=people,${BASE}`, Scope.base)).entries).toHaveLength(1);
    expect((await run(search, '(objectClass=*)', `ou=snv,ou=units,${BASE}`, Scope.base)).entries[0].get('mail')!.values).toEqual(['snv@kontum.gov.vn']);
    const list = (await run(search, '(objectClass=groupOfNames)', `mail=lanhdao@kontum.gov.vn,ou=lists,${BASE}`, Scope.base)).entries[0];
    expect(list.get('cn')!.values).toEqual(['Lãnh đạo Sở Nội vụ']);
  });

  it('a suspended person is not found by DN either', async () => {
    const { search } = setup(PEOPLE);
    const out = await run(search, '(objectClass=*)', `uid=dungdv,ou=people,${BASE}`, Scope.base);
    expect(out).toMatchObject({ code: ResultCode.noSuchObject, matchedDN: `ou=people,${BASE}` });
  });

  it('DNs outside the naming context are noSuchObject; bad DNs invalidDNSyntax', async () => {
    const { search } = setup(PEOPLE);
    expect((await run(search, '(objectClass=*)', 'dc=quangngai,dc=gov,dc=vn')).code).toBe(ResultCode.noSuchObject);
    expect((await run(search, '(objectClass=*)', 'not a dn')).code).toBe(ResultCode.invalidDNSyntax);
  });

  it('a subtree search from above the naming context covers it', async () => {
    const { search } = setup(PEOPLE);
    expect((await run(search, '(cn=*dang*)', 'dc=vn')).entries).toHaveLength(2);
    expect((await run(search, '(cn=*dang*)', '')).entries).toHaveLength(2);
  });

  it('the root DSE names the naming context, the version, extensions and controls', async () => {
    const { search } = setup(PEOPLE);
    const [e] = (await run(search, '(objectClass=*)', '', Scope.base)).entries;
    expect(e.get('namingcontexts')!.values).toEqual([BASE]);
    expect(e.get('supportedldapversion')!.values).toEqual(['3']);
    expect(e.get('supportedcontrol')!.values).toContain('1.2.840.113556.1.4.319');
    expect(e.get('supportedextension')!.values).toContain('1.3.6.1.4.1.1466.20037');
    expect(e.get('vendorname')!.values).toEqual(['thutin']);
  });

  it('list members are computed when asked for, as people DNs', async () => {
    const { tree } = setup(PEOPLE);
    const [l] = await tree.listEntries();
    await tree.fillMembers(l);
    expect(l.get('member')!.values).toEqual([`uid=annv,ou=people,${BASE}`, `uid=huongdt,ou=people,${BASE}`]);
  });
});
