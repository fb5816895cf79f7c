// Owns: the keyboard shortcuts of the mail screen (when enabled in the settings): c compose,
// / search, j/k next and previous message, r reply, a reply all, f forward, s flag, u unread,
// # or Delete delete, ? the list.
import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { usePref } from '../mail/prefs.ts';

export const SHORTCUTS: Array<[string, string]> = [
  ['j / ↓', 'keys.next'],
  ['k / ↑', 'keys.prev'],
  ['c', 'keys.compose'],
  ['/', 'keys.search'],
  ['r', 'keys.reply'],
  ['a', 'keys.replyAll'],
  ['f', 'keys.forward'],
  ['s', 'keys.flag'],
  ['u', 'keys.unread'],
  ['# / Delete', 'keys.delete'],
  ['?', 'keys.help'],
];

const ACTIONS: Record<string, string> = { r: 'reply', a: 'replyAll', f: 'forward', s: 'flag', u: 'unread', '#': 'delete', Delete: 'delete' };

export function useShortcuts({ emailId }: { accountId: string; emailId?: string }): void {
  const on = usePref('shortcuts', true);
  const nav = useNavigate();
  useEffect(() => {
    if (!on) return;
    const handler = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || el.closest('input, textarea, select, [contenteditable]')) return;
      if (e.key === 'j' || e.key === 'k') {
        // Next / previous message from anywhere on the screen (the list handles them itself when it has the focus).
        const current = document.querySelector<HTMLElement>('.rows a[aria-current="true"]')?.closest('li');
        const li = current ? (e.key === 'j' ? current.nextElementSibling : current.previousElementSibling) : document.querySelector('.rows li');
        const a = li?.querySelector<HTMLAnchorElement>('a');
        if (a) {
          e.preventDefault();
          a.click();
          a.focus();
        }
      } else if (e.key === 'c') {
        e.preventDefault();
        nav('/compose');
      } else if (e.key === '/') {
        e.preventDefault();
        document.querySelector<HTMLInputElement>('[data-shortcut="search"]')?.focus();
      } else if (e.key === '?') nav('/settings#shortcuts');
      else if (emailId && ACTIONS[e.key]) {
        const target = document.querySelector<HTMLElement>(`[data-action="${ACTIONS[e.key]}"]`);
        if (target) {
          e.preventDefault();
          target.click();
        }
      }
    };
    window.addEventListener('keydown', handler);
    return () => window.removeEventListener('keydown', handler);
  }, [on, nav, emailId]);
}
