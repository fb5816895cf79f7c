// Owns: the top bar: menu button (phone), search, compose, settings, language, sign out (here or everywhere).
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { signOut, signOutEverywhere, useMe } from '../auth/session.ts';

export function TopBar({ onMenu, menuOpen }: { onMenu: () => void; menuOpen: boolean }) {
  const { t } = useTranslation();
  const nav = useNavigate();
  const qc = useQueryClient();
  const me = useMe();
  const { accountId, mailboxId } = useParams();
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');

  function search(e: FormEvent) {
    e.preventDefault();
    const base = accountId && mailboxId ? `/mail/${accountId}/${mailboxId}` : '/';
    nav(q.trim() ? `${base}?q=${encodeURIComponent(q.trim())}` : base);
  }

  return (
    <header className="topbar">
      <button type="button" className="icon menu-button" onClick={onMenu} aria-expanded={menuOpen} aria-controls="folders">
        <span aria-hidden="true">☰</span>
        <span className="sr-only">{t('top.menu')}</span>
      </button>
      <Link to="/" className="brand">
        {t('app.name')}
      </Link>
      <form role="search" className="search" onSubmit={search}>
        <input type="search" name="q" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('top.searchPlaceholder')} aria-label={t('top.search')} data-shortcut="search" />
      </form>
      <Link to="/compose" className="button primary compose-link">
        {t('top.compose')}
      </Link>
      <details className="account-menu">
        <summary>
          <span className="sr-only">{t('top.account')}: </span>
          <span className="account-name">{me.data?.username ?? '…'}</span>
          <span className="account-glyph" aria-hidden="true">
            ⋮
          </span>
        </summary>
        <div className="menu-items">
          <Link to="/settings">{t('top.settings')}</Link>
          <LanguageSwitch />
          <button type="button" onClick={() => void signOut(qc).then(() => nav('/login'))}>
            {t('top.signOut')}
          </button>
          <button type="button" onClick={() => window.confirm(t('top.signOutEverywhereConfirm')) && void signOutEverywhere(qc).then(() => nav('/login'))}>
            {t('top.signOutEverywhere')}
          </button>
        </div>
      </details>
    </header>
  );
}
