// Builds the demo province in an app: Kon Tum's units (structure.ts) through the directory,
// about 3,000 generated officials (names.ts) spread over the units with their titles, each
// unit's head set (so the head gets the unit mailbox, R8.3), a few distribution lists, an
// administrator, and some mail between the officials (mail.ts) delivered through the mail store.
// Every official shares one demo password, hashed once and passed as `passwordHash` (argon2id for
// 3,000 accounts takes minutes; until the directory takes a hash, the password is passed too and
// the creations run four at a time). Refuses a directory that already has units unless `force`.
// Owns: planning and building the demo province, through the domain services only (no SQL).
import crypto from 'node:crypto';
import type { App } from '../app.ts';
import type { ChangeContext, CreatePersonInput, Unit } from '../directory/service.ts';
import { hashPassword } from '../core/accounts.ts';
import { ThutinError } from '../core/errors.ts';
import { isReserved, personLocalPart } from '../directory/naming.ts';
import { seededRandom, randInt, Weighted, type Random } from './random.ts';
import { generateName, type Gender, type NameOptions } from './names.ts';
import { demoStructure, type DemoUnit, type StructureOptions } from './structure.ts';
import { composeMessage, generateMail, type Correspondent, type UnitBox } from './mail.ts';

export interface DemoOptions extends StructureOptions {
  /** How many officials (default 3,000; at least one per unit, as every unit has a head). */
  people?: number;
  /** PRNG seed: the same seed builds the same province (default 2026). */
  seed?: number;
  /** How many messages (default 200). */
  messages?: number;
  /** Build even if the directory already has units (existing units are reused). */
  force?: boolean;
  /** The password every demo account shares (default: a fresh random one). */
  password?: string;
  actor?: string;
  /** Progress lines (Vietnamese / English). */
  progress?: (line: string) => void;
}

export interface DemoLogin {
  address: string;
  name: string;
  title: string;
  unit: string;
}

export interface DemoResult {
  units: number;
  people: number;
  messages: number;
  lists: string[];
  password: string;
  admin: string | null;
  samples: DemoLogin[];
  ms: number;
}

interface PlannedPerson {
  unit: DemoUnit;
  title: string;
  role: 'head' | 'deputy' | 'staff';
}

// How much of each unit's staff comes from the province's ethnic minorities (Xơ Đăng, Ba Na,
// Giẻ Triêng, Jrai …): high in the mountain districts, lower in the provincial agencies.
const MINORITY: Record<string, { share: number; jrai: number }> = {
  TPKT: { share: 0.25, jrai: 0.35 },
  DGL: { share: 0.6, jrai: 0.02 },
  DHA: { share: 0.35, jrai: 0.1 },
  DTO: { share: 0.45, jrai: 0.05 },
  NHO: { share: 0.45, jrai: 0.05 },
  STH: { share: 0.5, jrai: 0.7 },
  KRY: { share: 0.55, jrai: 0.05 },
  KPL: { share: 0.6, jrai: 0.02 },
  TMR: { share: 0.7, jrai: 0.02 },
  IHD: { share: 0.4, jrai: 0.6 },
  BDT: { share: 0.5, jrai: 0.15 },
};

function nameOptions(unit: DemoUnit, orgCode: string): NameOptions {
  const m = MINORITY[orgCode];
  if (!m) return { minorityShare: 0.1, jraiShare: 0.15 };
  // Communes are more local than the district's own departments.
  const share = unit.kind === 'commune' ? Math.min(0.85, m.share + 0.15) : m.share;
  return { minorityShare: share, jraiShare: m.jrai };
}

/** The code of the agency, district or province a unit belongs to (the unit just under the province). */
function orgOf(unit: DemoUnit, byCode: Map<string, DemoUnit>): DemoUnit {
  let u = unit;
  while (u.parentCode && byCode.get(u.parentCode)?.kind !== 'province' && byCode.get(u.parentCode)) u = byCode.get(u.parentCode)!;
  return u;
}

/** Who works where: heads first, then deputies round by round, then staff by each unit's weight. */
export function planPeople(r: Random, units: DemoUnit[], wanted: number): PlannedPerson[] {
  const n = Math.max(wanted, units.length);
  const plan: PlannedPerson[] = units.map((u) => ({ unit: u, title: u.headTitle, role: 'head' as const }));
  let left = n - plan.length;
  for (let round = 0; left > 0; round++) {
    const more = units.filter((u) => u.deputies > round);
    if (!more.length) break;
    for (const u of more) {
      if (left <= 0) break;
      plan.push({ unit: u, title: u.deputyTitle, role: 'deputy' });
      left--;
    }
  }
  const staffed = units.filter((u) => u.staffWeight > 0 && u.staffTitles.length);
  if (left > 0 && staffed.length) {
    // Largest remainder over jittered weights, so units differ a little in size.
    const w = staffed.map((u) => u.staffWeight * (0.7 + 0.6 * r()));
    const total = w.reduce((a, b) => a + b, 0);
    const exact = w.map((x) => (x / total) * left);
    const counts = exact.map(Math.floor);
    let rest = left - counts.reduce((a, b) => a + b, 0);
    const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
    for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) counts[order[k][1]]++;
    staffed.forEach((u, i) => {
      const titles = new Weighted(u.staffTitles);
      for (let k = 0; k < counts[i]; k++) plan.push({ unit: u, title: titles.pick(r), role: 'staff' });
    });
  }
  return plan;
}

const MOBILE = ['090', '091', '094', '097', '098', '086', '088', '035', '036', '037', '038', '039', '077', '079', '081', '083', '085'];

function phoneFor(r: Random, role: PlannedPerson['role']): string {
  const d = (k: number) => Array.from({ length: k }, () => String(randInt(r, 0, 9))).join('');
  if (role !== 'staff' || r() < 0.35) return `0260 3${d(3)} ${d(3)}`; // Kon Tum's area code
  if (r() < 0.2) return '';
  return `${MOBILE[randInt(r, 0, MOBILE.length - 1)]}${d(1)} ${d(3)} ${d(3)}`;
}

/** A random password that meets the strength rule and is easy to read aloud at a demo. */
function demoPassword(): string {
  const words = ['KonTum', 'NgocLinh', 'DakBla', 'MangDen', 'ChuMomRay', 'SaThay'];
  return `${words[crypto.randomInt(words.length)]}#${crypto.randomInt(1000, 9999)}`;
}

// Creations side by side: argon2id and the database overlap (SQLite still writes one at a time).
const CONCURRENCY = 4;

/** Run `fn` over `items`, at most `n` at a time; results in the items' order. */
async function inPool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** Whether the directory already holds units (the demo refuses to mix with real data). */
export async function directoryHasUnits(app: App): Promise<boolean> {
  return !(await app.directory.isEmpty());
}

export async function buildDemoProvince(app: App, opts: DemoOptions = {}): Promise<DemoResult> {
  const started = performance.now();
  const say = opts.progress ?? (() => {});
  if (!opts.force && (await directoryHasUnits(app))) throw new ThutinError('DEMO_NOT_EMPTY');
  const r = seededRandom(opts.seed ?? 2026);
  const ctx: ChangeContext = { actor: opts.actor ?? 'demo', reason: 'Dữ liệu mẫu / demo data' };
  const domain = app.config.domains.primary;
  const password = opts.password ?? demoPassword();
  const passwordHash = await hashPassword(password);

  // 1. Units, parents first.
  const units = demoStructure(opts);
  const byCode = new Map(units.map((u) => [u.code, u]));
  const made = new Map<string, Unit>();
  say(`Đơn vị / units: ${units.length}`);
  // Parents before children: one level of the tree at a time, the units of a level side by side.
  const depth = (u: DemoUnit): number => (u.parentCode && byCode.has(u.parentCode) ? 1 + depth(byCode.get(u.parentCode)!) : 0);
  const levels: DemoUnit[][] = [];
  for (const u of units) (levels[depth(u)] ??= []).push(u);
  for (const level of levels) {
    await inPool(level, CONCURRENCY, async (u) => {
      const existing = await app.directory.getUnit(u.code);
      if (existing) {
        made.set(u.code, existing);
        return;
      }
      const input = { code: u.code, name: u.name, abbreviation: u.abbreviation, kind: u.kind, parentCode: u.parentCode, withMailbox: true, passwordHash };
      const { unit } = await app.directory.createUnit(input, ctx);
      made.set(u.code, unit);
    });
  }

  // 2. People: names, phones and addresses decided in order (so a seed gives the same province),
  // then created side by side.
  const plan = planPeople(r, units, opts.people ?? 3000);
  say(`Cán bộ / officials: ${plan.length}`);
  const chosen = new Set<string>();
  const free = async (base: string): Promise<string> => {
    const rules = app.config.directory;
    for (let k = rules.clashStart - 1; ; k++) {
      const lp = k < rules.clashStart ? base : `${base}${k}`; // annv, annv2, annv3 … as the directory numbers them
      if (!chosen.has(lp) && !isReserved(lp, rules) && !(await app.accounts.byAddress(`${lp}@${domain}`))) {
        chosen.add(lp);
        return lp;
      }
    }
  };
  const drafts = [];
  for (const p of plan) {
    const org = orgOf(p.unit, byCode);
    const gender: Gender | undefined = p.role === 'staff' ? undefined : r() < 0.72 ? 'male' : 'female';
    const name = generateName(r, { ...nameOptions(p.unit, org.code), gender });
    drafts.push({ p, org, name, phone: phoneFor(r, p.role), localPart: await free(personLocalPart(name.fullName, app.config.directory.personAddress)) });
  }
  let done = 0;
  const people = await inPool(drafts, CONCURRENCY, async ({ p, org, name, phone, localPart }) => {
    // `passwordHash`: the shared password hashed once (argon2id for each of 3,000 people would take minutes).
    // Generated names may repeat within a unit (as real ones do): no duplicate warning for the demo.
    const input: CreatePersonInput = { fullName: name.fullName, title: p.title, unitCode: p.unit.code, phone, localPart, password, passwordHash, confirmDuplicate: true };
    const { person, address } = await app.directory.createPerson(input, ctx);
    if (++done % 500 === 0) say(`  … ${done}/${plan.length}`);
    return {
      personId: person.id,
      role: p.role,
      name: person.fullName,
      address,
      accountId: person.accountId!,
      title: p.title,
      unitCode: p.unit.code,
      unitName: p.unit.name,
      orgCode: org.code,
      orgName: org.name,
      orgAbbr: org.code,
      isHead: p.role === 'head',
      phone,
    } satisfies Correspondent & { personId: number; role: PlannedPerson['role'] };
  });
  const heads = new Map(people.filter((p) => p.isHead).map((p) => [p.unitCode, p.personId]));

  // 3. Heads: each gets the unit mailbox (the directory grants the delegation).
  for (const u of units) {
    const id = heads.get(u.code);
    // The unit mailboxes keep the demo's shared password (published in the summary): no rotation.
    if (id !== undefined) made.set(u.code, await app.directory.setUnitHead(u.code, id, ctx, { rotatePassword: false }));
  }

  // 4. Distribution lists: the leaders of the agencies and districts (static), everyone in one
  // agency and the heads under one district (derived from the tree when mail is expanded).
  const lists: string[] = [];
  const mkList = async (address: string, name: string, kind: 'static' | 'unit-members' | 'unit-heads', unitCode: string | null, members: string[] = []) => {
    if ((unitCode && !made.has(unitCode)) || (await app.lists.get(address))) return;
    await app.lists.create({ address, name, kind, unitCode, senders: 'local' }, ctx);
    for (const m of members) await app.lists.addMember(address, m, ctx);
    lists.push(address);
  };
  const leaders = people.filter((p) => p.isHead && ['agency', 'district'].includes(byCode.get(p.unitCode)!.kind)).map((p) => p.address);
  await mkList(`lanhdao@${domain}`, 'Lãnh đạo các sở, ban, ngành và UBND các huyện, thành phố', 'static', null, leaders);
  await mkList(`toanthe.stttt@${domain}`, 'Toàn thể công chức Sở Thông tin và Truyền thông', 'unit-members', 'STTTT');
  await mkList(`lanhdao.dakha@${domain}`, 'Lãnh đạo các phòng và xã, thị trấn huyện Đăk Hà', 'unit-heads', 'DHA');

  // 5. An administrator (sysadmin) for the admin API.
  let admin: string | null = null;
  const adminAddress = `quantri@${domain}`;
  if (!(await app.accounts.byAddress(adminAddress))) {
    await app.accounts.create(adminAddress, password, ctx.actor, { passwordHash });
    admin = adminAddress;
    await app.roles.grant(adminAddress, 'sysadmin', null, ctx);
  }

  // Sample logins: the province's chairman, an agency director, a specialist, a commune chairman.
  const samplePeople: Array<(typeof people)[number]> = [];
  const add = (p: (typeof people)[number] | undefined) => {
    if (p && !samplePeople.includes(p)) samplePeople.push(p);
  };
  add(people.find((p) => p.isHead && p.unitCode === 'KT'));
  add(people.find((p) => p.isHead && p.unitCode === 'STTTT'));
  add(people.find((p) => p.role === 'staff' && p.unitCode.startsWith('STTTT-')));
  add(people.find((p) => p.isHead && byCode.get(p.unitCode)!.kind === 'commune'));
  add(people.find((p) => p.role === 'staff' && byCode.get(p.unitCode)!.kind === 'commune'));
  const samples: DemoLogin[] = samplePeople.map((p) => ({ address: p.address, name: p.name, title: p.title, unit: p.unitCode === p.orgCode ? p.unitName : `${p.unitName}, ${p.orgName}` }));

  // 6. Mail between them.
  const boxes: UnitBox[] = [];
  for (const u of units) {
    const m = made.get(u.code);
    if (m?.mailbox && m.mailboxAccountId) boxes.push({ code: u.code, name: u.name, address: m.mailbox, accountId: m.mailboxAccountId, kind: u.kind, parentCode: u.parentCode });
  }
  const mail = generateMail(r, people, boxes, opts.messages ?? 200, domain, Date.now(), samplePeople);
  say(`Thư / messages: ${mail.length}`);
  const now = Date.now();
  for (const m of mail) {
    const raw = await composeMessage(m);
    const content = await app.store.ingest([raw]);
    const old = now - m.date.getTime() > 3 * 86_400_000;
    const targets = [
      { accountId: m.from.accountId, mailbox: 'Sent', flags: ['\\Seen'] },
      ...[...m.to, ...m.cc]
        .filter((t, k, all) => all.findIndex((x) => x.accountId === t.accountId) === k && t.accountId !== m.from.accountId)
        .map((t) => ({ accountId: t.accountId, flags: old && r() < 0.8 ? ['\\Seen'] : [] })),
    ];
    await app.store.deliver(content, targets, m.date.getTime());
  }

  return { units: units.length, people: people.length, messages: mail.length, lists, password, admin, samples, ms: performance.now() - started };
}

/** The demo's summary for a terminal: the password, the sample logins, where to connect. */
export function describeDemo(res: DemoResult, app: App): string {
  const c = app.config;
  const lines = [
    `Tỉnh mẫu đã sẵn sàng / the demo province is ready: ${res.units} đơn vị / units, ${res.people} cán bộ / officials, ${res.messages} thư / messages (${(res.ms / 1000).toFixed(1)} s).`,
    `Mật khẩu chung của mọi tài khoản mẫu / the password of every demo account: ${res.password}`,
    `Đăng nhập mẫu / sample logins:`,
    ...res.samples.map((s) => `  ${s.address.padEnd(34)} ${s.name} — ${s.title}, ${s.unit}`),
  ];
  if (res.admin) lines.push(`  ${res.admin.padEnd(34)} quản trị hệ thống / system administrator`);
  if (res.lists.length) lines.push(`Danh sách thư / distribution lists: ${res.lists.join(', ')}`);
  lines.push(
    `Trưởng đơn vị quản lý hộp thư đơn vị / each unit head manages the unit mailbox (e.g. ${c.domains.primary}: snv@, stttt@).`,
    `IMAP ${c.imap.host}:${c.imap.port} (STARTTLS) / ${c.imap.tlsPort} (TLS), submission ${c.smtp.submissionPort}, HTTP ${c.http.port}; LDAP ${c.ldap.port}.`,
    `Đây là dữ liệu mẫu, không dùng cho hệ thống thật / demo data: not for a production system.`,
  );
  return lines.join('\n');
}
