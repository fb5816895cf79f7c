// The demo province built into a real (temporary) app: a small one, so the test stays quick.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { buildDemoProvince, planPeople, type DemoResult } from './province.ts';
import { demoStructure } from './structure.ts';
import { seededRandom } from './random.ts';
import { personLocalPart } from '../directory/naming.ts';
import { isThutinError } from '../core/errors.ts';

const SMALL = { people: 160, departmentsPerUnit: 2, communesPerDistrict: 1, messages: 40, seed: 11 };

describe('demo plan', () => {
  it('spreads the wanted number of people, with exactly one head per unit and deputies before staff', () => {
    const units = demoStructure();
    const plan = planPeople(seededRandom(1), units, 3000);
    expect(plan).toHaveLength(3000);
    for (const u of units) expect(plan.filter((p) => p.unit.code === u.code && p.role === 'head')).toHaveLength(1);
    // full strength: every unit has its deputies when there are enough people
    for (const u of units) expect(plan.filter((p) => p.unit.code === u.code && p.role === 'deputy')).toHaveLength(u.deputies);
    // staff only where units have staff titles, never in the province's own unit
    expect(plan.some((p) => p.unit.kind === 'province' && p.role === 'staff')).toBe(false);
    const commune = plan.filter((p) => p.unit.kind === 'commune').length / units.filter((u) => u.kind === 'commune').length;
    expect(commune).toBeGreaterThan(5);
    expect(commune).toBeLessThan(20);
  });

  it('never gives fewer people than units (every unit needs a head)', () => {
    const units = demoStructure({ departmentsPerUnit: 1, communesPerDistrict: 1 });
    expect(planPeople(seededRandom(1), units, 3)).toHaveLength(units.length);
  });

  it("builds Kon Tum's tree: the province, its agencies and districts from the reference, departments and about a hundred communes", () => {
    const units = demoStructure();
    const kinds = (k: string) => units.filter((u) => u.kind === k).length;
    expect(kinds('province')).toBe(1);
    expect(kinds('district')).toBe(10);
    expect(kinds('agency')).toBeGreaterThanOrEqual(19);
    expect(kinds('commune')).toBeGreaterThanOrEqual(100);
    expect(kinds('commune')).toBeLessThanOrEqual(105);
    expect(new Set(units.map((u) => u.code)).size).toBe(units.length);
    expect(new Set(units.map((u) => u.abbreviation)).size).toBe(units.length);
    const codes = new Set<string>();
    for (const u of units) {
      if (u.parentCode) expect(codes.has(u.parentCode)).toBe(true); // parents first
      codes.add(u.code);
      expect(u.name).toBe(u.name.normalize('NFC'));
      expect(u.abbreviation).toMatch(/^[a-z0-9]+(\.[a-z0-9]+)?$/);
    }
    expect(units.find((u) => u.code === 'STTTT')?.abbreviation).toBe('stttt');
  });
});

describe.each(backends())('demo province (%s)', (backend) => {
  let t: TestApp;
  let res: DemoResult;
  beforeAll(async () => {
    t = await createTestApp({ backend });
    res = await buildDemoProvince(t.app, SMALL);
  }, 180_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('creates about the asked number of officials, every unit with a head and a mailbox', async () => {
    const units = await t.app.directory.listUnits();
    expect(units.length).toBe(res.units);
    expect(res.people).toBe(Math.max(SMALL.people, units.length));
    const people = await t.app.directory.listPeople();
    expect(people.length).toBe(res.people);
    for (const u of units) {
      expect(u.headPersonId, u.code).not.toBeNull();
      expect(u.mailbox, u.code).toMatch(/@kontum\.gov\.vn$/);
      const head = people.find((p) => p.id === u.headPersonId)!;
      expect(head.unitId).toBe(u.id);
    }
    // titles as the government writes them
    expect(people.some((p) => p.title === 'Chủ tịch Ủy ban nhân dân tỉnh')).toBe(true);
    expect(people.some((p) => p.title === 'Giám đốc')).toBe(true);
    expect(people.filter((p) => p.title.startsWith('Phó ')).length).toBeGreaterThan(10);
  });

  it('gives each head the unit mailbox (R8.3 delegation)', async () => {
    const units = await t.app.directory.listUnits();
    const stttt = units.find((u) => u.code === 'STTTT')!;
    const head = (await t.app.directory.getPerson(stttt.headPersonId!))!;
    const rights = await t.app.delegations.rightsOn(stttt.mailboxAccountId!, head.accountId!);
    expect(rights).toEqual(expect.arrayContaining(['manage', 'read', 'send-as']));
  });

  it('addresses follow the naming rule: given name + initials, unaccented, a number on a clash', async () => {
    const people = await t.app.directory.listPeople();
    for (const p of people) {
      const base = personLocalPart(p.fullName);
      expect(p.email).toMatch(new RegExp(`^${base}(\\d+)?@kontum\\.gov\\.vn$`));
      expect(p.fullName).toBe(p.fullName.normalize('NFC'));
    }
  });

  it('delivers the mail: in the senders’ Sent folders and the recipients’ inboxes, some with attachments', async () => {
    expect(res.messages).toBe(SMALL.messages);
    const db = t.app.db.kysely;
    const sent = await db.selectFrom('messages').innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id').select('messages.id').where('mailboxes.name', '=', 'Sent').execute();
    expect(sent.length).toBe(SMALL.messages);
    const inbox = await db.selectFrom('messages').innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id').select('messages.id').where('mailboxes.name', '=', 'INBOX').execute();
    expect(inbox.length).toBeGreaterThanOrEqual(SMALL.messages);
    const contents = await db.selectFrom('contents').select(['subject', 'structure']).execute();
    expect(contents.length).toBe(SMALL.messages);
    expect(contents.every((c) => c.subject.length > 10 && c.subject === c.subject.normalize('NFC'))).toBe(true);
    const pdf = (node: { type: string; subtype: string; children?: unknown[] }): boolean =>
      (node.type === 'application' && node.subtype === 'pdf') || ((node.children ?? []) as Array<typeof node>).some(pdf);
    const withPdf = contents.filter((c) => pdf(JSON.parse(c.structure).root));
    expect(withPdf.length).toBeGreaterThan(0);
    expect(withPdf.length).toBeLessThan(contents.length);
  });

  it('makes the distribution lists: leaders of agencies and districts, one agency, the heads under a district', async () => {
    expect(res.lists).toEqual(['lanhdao@kontum.gov.vn', 'toanthe.stttt@kontum.gov.vn', 'lanhdao.dakha@kontum.gov.vn']);
    const units = await t.app.directory.listUnits();
    const people = await t.app.directory.listPeople();
    const headOf = (code: string) => people.find((p) => p.id === units.find((u) => u.code === code)!.headPersonId)!.email;
    const leaders = await t.app.lists.expand('lanhdao@kontum.gov.vn');
    expect(leaders).toHaveLength(units.filter((u) => u.kind === 'agency' || u.kind === 'district').length);
    expect(leaders).toContain(headOf('SNV'));
    expect(leaders).toContain(headOf('DHA'));
    const stttt = await t.app.lists.expand('toanthe.stttt@kontum.gov.vn');
    expect(stttt).toEqual(expect.arrayContaining([headOf('STTTT'), headOf('STTTT-VP')]));
    expect(await t.app.lists.expand('lanhdao.dakha@kontum.gov.vn')).toContain(headOf('DHA-VP'));
  });

  it('gives every sample login mail to look at (received or sent)', async () => {
    for (const s of res.samples) {
      const acct = (await t.app.accounts.byAddress(s.address))!;
      const n = await t.app.db.kysely
        .selectFrom('messages')
        .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('mailboxes.account_id', '=', acct.id)
        .executeTakeFirstOrThrow();
      expect(Number(n.n), s.address).toBeGreaterThan(0);
    }
  });

  it('prints the shared password, which logs the sample officials in', async () => {
    expect(res.samples.length).toBeGreaterThanOrEqual(3);
    const acct = await t.app.accounts.authenticate(res.samples[0].address, res.password);
    expect(acct?.username).toBe(res.samples[0].address);
    expect(res.admin).toBe('quantri@kontum.gov.vn');
  });

  it('refuses to load into a directory that already has units, unless forced', async () => {
    const err = await buildDemoProvince(t.app, SMALL).catch((e: unknown) => e);
    expect(isThutinError(err, 'DEMO_NOT_EMPTY')).toBe(true);
    expect(String((err as Error).message)).toMatch(/--force/);
    const before = (await t.app.directory.listUnits()).length;
    const again = await buildDemoProvince(t.app, { ...SMALL, people: 0, messages: 2, force: true, seed: 12 });
    expect((await t.app.directory.listUnits()).length).toBe(before); // units reused, not duplicated
    expect(again.people).toBe(before);
  }, 120_000);
});
