// Owns: how addresses, dates and sizes are written in the app's language.
import type { EmailAddress } from '../api/types.ts';

export function who(a: EmailAddress[] | null | undefined): string {
  if (!a || a.length === 0) return '';
  return a.map((x) => x.name || x.email).join(', ');
}

export function fullAddress(x: EmailAddress): string {
  return x.name ? `${x.name} <${x.email}>` : x.email;
}

export function shortDate(iso: string, lang: string): string {
  const d = new Date(iso);
  const now = new Date();
  const locale = lang === 'en' ? 'en-GB' : 'vi-VN';
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(locale, { day: '2-digit', month: '2-digit' });
  return d.toLocaleDateString(locale, { day: '2-digit', month: '2-digit', year: 'numeric' });
}

export function longDate(iso: string, lang: string): string {
  return new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN', { dateStyle: 'full', timeStyle: 'short' });
}

export function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
