// Owns: a recipients field: chips, free typing of addresses, and suggestions from the directory
// (GET /api/v1/directory/search: `dang` finds Đặng) and recent correspondents, as an ARIA combobox.
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http.ts';
import type { EmailAddress } from '../api/types.ts';
import { fold, recentCorrespondents } from './recent.ts';

interface Suggestion extends EmailAddress {
  detail: string;
}

const EMAIL = /^[^\s<>@",;]+@[^\s<>@",;]+\.[^\s<>@",;]+$/;

/** `name <address>` or a bare address, else null. */
export function parseTyped(s: string): EmailAddress | null {
  const t = s.trim();
  const lt = t.lastIndexOf('<');
  if (lt >= 0 && t.endsWith('>')) {
    const email = t.slice(lt + 1, -1).trim();
    const name = t.slice(0, lt).trim().replace(/^"|"$/g, '').trim();
    return EMAIL.test(email) ? { name: name || null, email } : null;
  }
  return EMAIL.test(t) ? { name: null, email: t } : null;
}

function useSuggestions(text: string): Suggestion[] {
  const { t } = useTranslation();
  const [list, setList] = useState<Suggestion[]>([]);
  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) return setList([]);
    let live = true;
    const f = fold(q);
    const recent = recentCorrespondents()
      .filter((x) => fold(`${x.name ?? ''} ${x.email}`).includes(f))
      .slice(0, 5)
      .map((x) => ({ ...x, detail: t('compose.recent') }));
    setList(recent);
    const timer = window.setTimeout(() => {
      void api<{ results: Array<{ name: string; email: string | null; title: string; unitName: string | null }> }>(
        'GET',
        `/api/v1/directory/search?q=${encodeURIComponent(q)}&limit=8&kinds=person,list,unit`,
      )
        .then((r) => {
          if (!live) return;
          const dir = r.results.filter((x) => x.email).map((x) => ({ name: x.name, email: x.email!, detail: [x.title, x.unitName].filter(Boolean).join(', ') }));
          const seen = new Set(recent.map((x) => x.email.toLowerCase()));
          setList([...recent, ...dir.filter((x) => !seen.has(x.email.toLowerCase()))]);
        })
        .catch(() => undefined);
    }, 150);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [text, t]);
  return list;
}

export function RecipientInput({ label, value, onChange, name }: { label: string; value: EmailAddress[]; onChange: (v: EmailAddress[]) => void; name: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  const [active, setActive] = useState(-1);
  const suggestions = useSuggestions(text);
  const open = suggestions.length > 0 && text.trim().length >= 2;

  function add(a: EmailAddress) {
    if (!value.some((x) => x.email.toLowerCase() === a.email.toLowerCase())) onChange([...value, a]);
    setText('');
    setActive(-1);
  }

  function commitTyped(): boolean {
    const parts = text.split(/[,;]/);
    const parsed = parts.map(parseTyped);
    if (parsed.every((x) => x)) {
      for (const p of parsed) add(p!);
      return true;
    }
    return false;
  }

  function onKey(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' && open) {
      e.preventDefault();
      setActive((a) => Math.min(suggestions.length - 1, a + 1));
    } else if (e.key === 'ArrowUp' && open) {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter' || e.key === ',' || e.key === ';') {
      if (open && active >= 0) {
        e.preventDefault();
        add(suggestions[active]);
      } else if (text.trim()) {
        e.preventDefault();
        if (!commitTyped() && open) add(suggestions[0]);
      }
    } else if (e.key === 'Backspace' && !text && value.length) onChange(value.slice(0, -1));
    else if (e.key === 'Escape') setText('');
  }

  return (
    <div className="recipients">
      <label htmlFor={id}>{label}</label>
      <div className="chips">
        {value.map((a) => (
          <span className="chip" key={a.email}>
            {a.name ? `${a.name} <${a.email}>` : a.email}
            <button type="button" onClick={() => onChange(value.filter((x) => x !== a))} aria-label={t('compose.removeRecipient', { name: a.name || a.email })}>
              ×
            </button>
          </span>
        ))}
        <input
          id={id}
          name={name}
          role="combobox"
          aria-expanded={open}
          aria-controls={`${id}-list`}
          aria-autocomplete="list"
          aria-activedescendant={open && active >= 0 ? `${id}-o${active}` : undefined}
          aria-describedby={`${id}-help`}
          autoComplete="off"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setActive(-1);
          }}
          onKeyDown={onKey}
          onBlur={() => text.trim() && commitTyped()}
        />
      </div>
      <small id={`${id}-help`} className="sr-only">
        {t('compose.recipientsHelp')}
      </small>
      <ul id={`${id}-list`} role="listbox" aria-label={t('compose.suggestions')} className="suggestions" hidden={!open}>
        {(open ? suggestions : []).map((s, i) => (
          <li
            key={s.email}
            id={`${id}-o${i}`}
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => {
              e.preventDefault();
              add(s);
            }}
          >
            <strong>{s.name}</strong> &lt;{s.email}&gt; <small>{s.detail}</small>
          </li>
        ))}
      </ul>
    </div>
  );
}
