// Owns: the keyboard shortcuts of the mail screen (when enabled in the settings): c compose,
// / search, r reply, a reply all, f forward, s flag, u unread, # or Delete delete, ? the list.
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
      if (e.ctrlKey || e.metaKey || e.altKey || el.closest('input, textarea, select, [contenteditable]')) return;
      if (e.key === 'c') {
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
