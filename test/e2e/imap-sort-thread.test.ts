// SORT (RFC 5256, RFC 5957 DISPLAYFROM, RFC 5267 ESORT) and THREAD (ORDEREDSUBJECT, REFERENCES)
// through Python's imaplib, a client we did not write, on a small mailbox of Vietnamese subjects,
// replies and time zones.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

const run = promisify(execFile);

describe('IMAP SORT and THREAD with Python imaplib', { timeout: 60_000 }, () => {
  let r: Running;
  let out: Record<string, unknown>;
  beforeAll(async () => {
    r = await startTestServers();
    const an = await r.user('annv');
    const script = path.join(import.meta.dirname, 'clients', 'imaplib_sort.py');
    const { stdout } = await run('python3', [script, '127.0.0.1', String(r.servers.ports.imaps), an, TEST_PASSWORD], { timeout: 30_000 });
    out = JSON.parse(stdout) as Record<string, unknown>;
  });
  afterAll(async () => r?.stop());

  it('announces SORT, SORT=DISPLAY, ESORT and both THREAD algorithms', () => {
    expect(out.caps).toEqual(expect.arrayContaining(['SORT', 'SORT=DISPLAY', 'ESORT', 'THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES']));
  });

  it('sorts base subjects the Vietnamese way (Re:, [list] and encoded-words removed), ties by sequence', () => {
    // "an toàn…" < "Ân xá" < "Đào tạo" ×4 (1, 2, 4, 6 in mailbox order)
    expect(out.subject).toBe('3 5 1 2 4 6');
    expect(out.subject_unseen_folded).toBe('1 2 4 6'); // search without diacritics, then sort
  });

  it('sorts by size reversed, and by sent date in UTC across zones', () => {
    expect(out.reverse_size).toBe('1 5 3 4 6 2');
    expect(out.date).toBe('3 1 2 6 4 5');
  });

  it('DISPLAYFROM sorts by the decoded display name, or the address when there is none', () => {
    // An Nguyễn < Bùi Thị Cúc (2, 6) < Đặng Văn Bình (1, 4) < zeta@example.com
    expect(out.displayfrom).toBe('3 2 6 1 4 5');
  });

  it('UID SORT answers UIDs, and ESORT answers MIN, MAX (first and last in order) and COUNT', () => {
    expect(out.uid_sort).toBe('5 4 6 2 1 3');
    expect((out.esort as string[]).join(' ')).toMatch(/UID MIN 3 MAX 5 COUNT 6/);
  });

  it('threads by References: replies under their parents, siblings by date', () => {
    expect(out.thread_refs).toBe('(3)(1 (2 4)(6))(5)');
  });

  it('threads by ordered subject: the first message the parent of the others', () => {
    expect(out.thread_subject).toBe('(3)(1 (2)(6)(4))(5)');
  });

  it('answers an unknown charset with NO [BADCHARSET]', () => {
    expect(out.badcharset).toEqual(['NO', ['(UTF-8 US-ASCII)']]);
  });
});
