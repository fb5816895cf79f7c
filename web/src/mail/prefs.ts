// Owns: the reader's preferences kept in this browser (localStorage): threads on/off, shortcuts on/off.
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();

function read(key: string, fallback: boolean): boolean {
  try {
    const v = localStorage.getItem(key);
    return v === null ? fallback : v === '1';
  } catch {
    return fallback;
  }
}

export function setPref(key: 'threads' | 'shortcuts', value: boolean): void {
  try {
    localStorage.setItem(`thutin.${key}`, value ? '1' : '0');
  } catch {
    /* private mode */
  }
  for (const l of listeners) l();
}

export function usePref(key: 'threads' | 'shortcuts', fallback: boolean): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => read(`thutin.${key}`, fallback),
  );
}
