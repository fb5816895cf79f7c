// Owns: recent correspondents kept in this browser (localStorage), offered first when completing recipients.
import type { EmailAddress } from '../api/types.ts';

const KEY = 'thutin.recent';

export function recentCorrespondents(): EmailAddress[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as EmailAddress[];
  } catch {
    return [];
  }
}

export function rememberCorrespondents(xs: EmailAddress[]): void {
  const seen = new Set(xs.map((x) => x.email.toLowerCase()));
  const list = [...xs, ...recentCorrespondents().filter((x) => !seen.has(x.email.toLowerCase()))].slice(0, 200);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    /* private mode */
  }
}

/** Case-, accent- and đ-insensitive text for matching recent names as the directory does. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}
