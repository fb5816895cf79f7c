// Owns: the compose body as a formatted-text editor — a contentEditable box (a textbox to screen
// readers) with a toolbar (bold, italic, underline, lists, quote, link, clear), Ctrl+B/I/U/K; every
// paste and drop goes through the compose allow-list (html.ts) before it enters, so no script,
// handler, style or remote image ever lands in the app's page. Files pasted go to the attachments.
import { useEffect, useLayoutEffect, useRef, useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { sanitizeCompose, escapeHtml } from './html.ts';
import './texts.ts';
import './compose.css';

type Command = 'bold' | 'italic' | 'underline' | 'insertUnorderedList' | 'insertOrderedList';
const TOGGLES: Array<{ cmd: Command; key: string; label: string }> = [
  { cmd: 'bold', key: 'bold', label: 'B' },
  { cmd: 'italic', key: 'italic', label: 'I' },
  { cmd: 'underline', key: 'underline', label: 'U' },
  { cmd: 'insertUnorderedList', key: 'bullets', label: '•≡' },
  { cmd: 'insertOrderedList', key: 'numbers', label: '' }, // its glyph from the style sheet: a digit would be text its name must hold
];

/** An address as a link may carry it: https://, http:// or mailto: (a bare domain gets https://, an address mailto:). */
export function linkTarget(s: string): string | null {
  const v = s.trim();
  if (!v) return null;
  if (/^(https?:\/\/|mailto:)\S+$/i.test(v)) return v;
  if (/^[^\s@/:]+@[^\s@/:]+\.[^\s@/:]+$/.test(v)) return `mailto:${v}`;
  if (/^[\w-]+(\.[\w-]+)+(\/\S*)?$/.test(v)) return `https://${v}`;
  return null;
}

/** A chain link icon (no emoji font on every system), struck through for "remove link". */
function Chain({ broken = false }: { broken?: boolean }) {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
      <path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1" />
      <path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
      {broken && <path d="M4 4l16 16" />}
    </svg>
  );
}

export function RichEditor({
  id,
  labelId,
  describedBy,
  initialHtml,
  onChange,
  onFiles,
}: {
  id: string;
  labelId: string;
  describedBy?: string;
  initialHtml: string;
  onChange: (html: string) => void;
  onFiles: (f: FileList) => void;
}) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const saved = useRef<Range | null>(null);
  const [active, setActive] = useState<Record<string, boolean>>({});
  const [linking, setLinking] = useState(false);
  const [href, setHref] = useState('');
  const [linkError, setLinkError] = useState(false);
  const linkInput = useRef<HTMLInputElement>(null);

  // Set once: the editor is keyed by what it starts from, React never renders into it.
  useLayoutEffect(() => {
    if (box.current) box.current.innerHTML = sanitizeCompose(initialHtml);
  }, []);

  /** Which toggles are on where the caret is (or for what is typed next). */
  const refresh = () => {
    const next: Record<string, boolean> = {};
    for (const x of TOGGLES) next[x.cmd] = document.queryCommandState(x.cmd);
    setActive(next);
  };

  // Where the caret was in the editor, for a toolbar command after focus went to the toolbar.
  useEffect(() => {
    const onSel = () => {
      const sel = document.getSelection();
      if (!sel?.rangeCount || !box.current?.contains(sel.anchorNode)) return;
      saved.current = sel.getRangeAt(0).cloneRange();
      refresh();
    };
    document.addEventListener('selectionchange', onSel);
    return () => document.removeEventListener('selectionchange', onSel);
  }, []);

  const changed = () => box.current && onChange(box.current.innerHTML);

  function restore() {
    const el = box.current;
    if (!el) return;
    el.focus();
    // Focusing the box may put the caret at its start: the last place it was in the box is where a command applies.
    const sel = document.getSelection();
    if (saved.current && sel && el.contains(saved.current.startContainer)) {
      sel.removeAllRanges();
      sel.addRange(saved.current);
    }
  }

  function exec(cmd: string, value?: string) {
    restore();
    document.execCommand(cmd, false, value);
    refresh();
    changed();
  }

  function insertHtml(html: string) {
    const safe = sanitizeCompose(html);
    if (safe) document.execCommand('insertHTML', false, safe);
    changed();
  }

  function onPaste(e: ClipboardEvent<HTMLDivElement>) {
    const dt = e.clipboardData;
    e.preventDefault();
    const html = dt.getData('text/html');
    const text = dt.getData('text/plain');
    if (html) insertHtml(html);
    else if (text) {
      document.execCommand('insertText', false, text);
      changed();
    } else if (dt.files.length) onFiles(dt.files);
  }

  function onDrop(e: DragEvent<HTMLDivElement>) {
    if (e.dataTransfer.types.includes('Files')) return; // the form's drop zone attaches them
    e.preventDefault();
    e.stopPropagation();
    const at = document.caretRangeFromPoint?.(e.clientX, e.clientY);
    if (at) {
      const sel = document.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(at);
    }
    const html = e.dataTransfer.getData('text/html');
    if (html) insertHtml(html);
    else insertHtml(escapeHtml(e.dataTransfer.getData('text/plain')).replace(/\r?\n/g, '<br>'));
  }

  function openLink() {
    const sel = document.getSelection();
    if (sel?.rangeCount && box.current?.contains(sel.anchorNode)) saved.current = sel.getRangeAt(0).cloneRange();
    const a = sel?.anchorNode?.parentElement?.closest('a');
    setHref(a && box.current?.contains(a) ? (a.getAttribute('href') ?? '') : '');
    setLinkError(false);
    setLinking(true);
    window.setTimeout(() => linkInput.current?.focus(), 0);
  }

  function applyLink() {
    const url = linkTarget(href);
    if (!url) return setLinkError(true);
    setLinking(false);
    restore();
    const sel = document.getSelection();
    if (!sel || sel.isCollapsed) insertHtml(`<a href="${escapeHtml(url)}">${escapeHtml(url.replace(/^mailto:/i, ''))}</a>`);
    else exec('createLink', url);
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      openLink();
    }
  }

  const keep = (e: { preventDefault(): void }) => e.preventDefault(); // a toolbar click leaves the caret in the text

  return (
    <div className="rich-editor">
      <div role="toolbar" aria-label={t('editor.toolbar')} aria-controls={id} className="editor-toolbar">
        {TOGGLES.map((x) => (
          <button
            key={x.cmd}
            type="button"
            className={`tb-${x.key}`}
            aria-pressed={!!active[x.cmd]}
            aria-label={t(`editor.${x.key}`)}
            title={t(`editor.${x.key}`)}
            onMouseDown={keep}
            onClick={() => exec(x.cmd)}
          >
            {x.label}
          </button>
        ))}
        <button type="button" aria-label={t('editor.quote')} title={t('editor.quote')} onMouseDown={keep} onClick={() => exec('formatBlock', 'blockquote')}>
          ❝
        </button>
        <button type="button" aria-label={t('editor.link')} title={t('editor.link')} aria-expanded={linking} onMouseDown={keep} onClick={openLink}>
          <Chain />
        </button>
        <button type="button" aria-label={t('editor.unlink')} title={t('editor.unlink')} onMouseDown={keep} onClick={() => exec('unlink')}>
          <Chain broken />
        </button>
        <button type="button" className="tb-clear" aria-label={t('editor.clear')} title={t('editor.clear')} onMouseDown={keep} onClick={() => exec('removeFormat')} />
      </div>
      {linking && (
        <div className="link-form" role="group" aria-label={t('editor.link')}>
          <label>
            {t('editor.linkAddress')}
            <input
              ref={linkInput}
              value={href}
              placeholder="https://"
              aria-invalid={linkError}
              onChange={(e) => setHref(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  applyLink();
                } else if (e.key === 'Escape') {
                  e.preventDefault();
                  setLinking(false);
                  restore();
                }
              }}
            />
          </label>
          <button type="button" onClick={applyLink}>
            {t('editor.linkApply')}
          </button>
          <button type="button" onClick={() => (setLinking(false), restore())}>
            {t('editor.linkCancel')}
          </button>
          {linkError && (
            <span className="error" role="alert">
              {t('editor.linkBad')}
            </span>
          )}
        </div>
      )}
      <div
        ref={box}
        id={id}
        className="editor-body"
        role="textbox"
        aria-multiline="true"
        aria-labelledby={labelId}
        aria-describedby={describedBy}
        contentEditable
        suppressContentEditableWarning
        spellCheck
        onInput={changed}
        onPaste={onPaste}
        onDrop={onDrop}
        onKeyDown={onKeyDown}
      />
    </div>
  );
}
