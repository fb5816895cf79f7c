// Address quarantine (issue 11, R6.3): a purged leaver's addresses (primary and alias) are given to
// nobody else for directory.addressQuarantineDays (365 by default) — a new official of the same name
// gets the next address (annv2), asking for the old one by name is refused with ADDRESS_QUARANTINED
// in Vietnamese, and so are a plain account, an alias and a list on it — and are free again once the
// quarantine has ended. On SQLite and PostgreSQL.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { addMonths } from './service.ts';
import { isThutinError, type ErrorCode } from '../core/errors.ts';

const ctx = { actor: 'cli:tester', reason: 'QĐ 45/QĐ-UBND' };
const DAY = 86400_000;
const rejectsWith = (p: Promise<unknown>, code: ErrorCode, text?: string) =>
  expect(p).rejects.toSatisfy((e) => isThutinError(e, code) && (text === undefined || `${(e as Error).message}`.includes(text)));

describe.each(backends())('address quarantine on %s', (backend) => {
  let t: TestApp;
  let purgedAt = 0;
  beforeAll(async () => {
    t = await createTestApp({ backend });
    const d = t.app.directory;
    await d.createUnit({ code: 'UB', name: 'Ủy ban nhân dân tỉnh', abbreviation: 'ubnd', kind: 'province' }, ctx);
    await d.createUnit({ code: 'STC', name: 'Sở Tài chính', kind: 'agency', parentCode: 'UB' }, ctx);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('a purged leaver’s address and alias are given to nobody else during the quarantine', async () => {
    const d = t.app.directory;
    const leaver = await d.createPerson({ fullName: 'Nguyễn Văn An', unitCode: 'STC' }, ctx);
    expect(leaver.address).toBe('annv@kontum.gov.vn');
    await t.app.accounts.addAlias(leaver.person.accountId!, 'an.nguyen@kontum.gov.vn', 'test');
    await d.setPersonStatus(leaver.person.id, 'left', ctx);
    purgedAt = addMonths(Date.now(), 7);
    await d.purgePerson(leaver.person.id, ctx, purgedAt);
    expect(await t.app.accounts.byAddress('annv@kontum.gov.vn')).toBeNull();

    // the naming moves on; the old address by name, an account, an alias or a list: refused
    const next = await d.createPerson({ fullName: 'Nguyễn Văn An', unitCode: 'STC', confirmDuplicate: true }, ctx);
    expect(next.address).toBe('annv2@kontum.gov.vn');
    await rejectsWith(d.createPerson({ fullName: 'Nguyễn Văn Anh', unitCode: 'STC', localPart: 'annv' }, ctx), 'ADDRESS_QUARANTINED', 'cách ly');
    await rejectsWith(t.app.accounts.create('an.nguyen@kontum.gov.vn', 'Matkhau#2026', 'test'), 'ADDRESS_QUARANTINED');
    await rejectsWith(t.app.accounts.addAlias(next.person.accountId!, 'annv@kontum.gov.vn', 'test'), 'ADDRESS_QUARANTINED');
    await rejectsWith(t.app.lists.create({ address: 'annv@kontum.gov.vn', name: 'Danh sách', kind: 'static' }, ctx), 'ADDRESS_QUARANTINED');
    // the purge's audit entry names the quarantine
    const entry = (await t.app.audit.list(100, { action: 'person.purge' })).find((e) => e.target === 'annv@kontum.gov.vn');
    expect(JSON.parse(String(entry?.details))).toMatchObject({ quarantined: expect.arrayContaining(['annv@kontum.gov.vn', 'an.nguyen@kontum.gov.vn']), quarantineUntil: purgedAt + 365 * DAY });
  });

  it('the address is free again once the quarantine has ended', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: purgedAt + 366 * DAY });
    const again = await t.app.directory.createPerson({ fullName: 'Nguyễn Văn Anh', unitCode: 'STC', localPart: 'annv' }, ctx);
    expect(again.address).toBe('annv@kontum.gov.vn');
  });
});
