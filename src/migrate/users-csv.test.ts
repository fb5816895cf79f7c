// The migration's map file and its resume state file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUsersCsv } from './users-csv.ts';
import { loadState, saveState, stateFile } from './state.ts';
import { targetFolderName } from './mailbox.ts';

describe('users.csv', () => {
  it('reads old login, password and thutin account; a header, comments, a # inside a password', () => {
    const m = parseUsersCsv('\uFEFFold_login,old_password,account\n# a comment\nan.nguyen,"Mk#1,2",An@Kontum.gov.vn\n\nbinh,pw,binh@kontum.gov.vn\n', { proxyAuth: false });
    expect(m.map((x) => [x.source, x.password, x.target])).toEqual([
      ['an.nguyen', 'Mk#1,2', 'an@kontum.gov.vn'],
      ['binh', 'pw', 'binh@kontum.gov.vn'],
    ]);
  });

  it('takes two columns (login, account) with administrator credentials; refuses what cannot work', () => {
    expect(parseUsersCsv('an.nguyen,an@kontum.gov.vn\n', { proxyAuth: true })[0]).toMatchObject({ source: 'an.nguyen', password: '', target: 'an@kontum.gov.vn' });
    expect(() => parseUsersCsv('an.nguyen,,an@kontum.gov.vn\n', { proxyAuth: false })).toThrow(/mật khẩu|password/);
    expect(() => parseUsersCsv('an.nguyen,pw,khong-phai-dia-chi\n', { proxyAuth: false })).toThrow(/địa chỉ/);
    expect(() => parseUsersCsv('a,pw,a@kontum.gov.vn\na,pw,a@kontum.gov.vn\n', { proxyAuth: false })).toThrow(/lặp|repeated/);
    expect(() => parseUsersCsv('# nothing\n', { proxyAuth: false })).toThrow(/no lines/);
  });
});

describe('resume state', () => {
  it('is written whole (no temporary file left) and read back; another mapping starts afresh', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-state-'));
    try {
      const f = stateFile(dir, 'an.nguyen', 'an@kontum.gov.vn');
      const s = loadState(f, 'an.nguyen', 'an@kontum.gov.vn');
      expect(s.folders).toEqual({});
      s.folders['Công văn'] = { uidvalidity: '1700000000', lastUid: 42 };
      saveState(f, s);
      expect(fs.readdirSync(dir)).toEqual([path.basename(f)]);
      expect(loadState(f, 'an.nguyen', 'an@kontum.gov.vn').folders['Công văn']).toEqual({ uidvalidity: '1700000000', lastUid: 42 });
      fs.writeFileSync(f, '{"version":1,');
      expect(() => loadState(f, 'an.nguyen', 'an@kontum.gov.vn')).toThrow(/hỏng|damaged/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names thutin folders from the source path and delimiter', () => {
    expect(targetFolderName({ path: 'inbox', delimiter: '.' })).toBe('INBOX');
    expect(targetFolderName({ path: 'Công văn.Đến 2026', delimiter: '.' })).toBe('Công văn/Đến 2026');
    expect(targetFolderName({ path: 'Hồ sơ/Đề án', delimiter: '/' })).toBe('Hồ sơ/Đề án');
    expect(targetFolderName({ path: 'a/b.c', delimiter: '.' })).toBe('a_b/c');
  });
});
