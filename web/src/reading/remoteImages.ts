// Owns: the reader's choice to show remote images — per message (this view) or per sender
// (remembered in localStorage, `thutin.images.senders`).
const KEY = 'thutin.images.senders';

function senders(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(KEY) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

export function senderAllowed(email: string | undefined): boolean {
  return !!email && senders().has(email.toLowerCase());
}

export function allowSender(email: string): void {
  const s = senders();
  s.add(email.toLowerCase());
  try {
    localStorage.setItem(KEY, JSON.stringify([...s].slice(-2000)));
  } catch {
    /* private mode */
  }
}
