// Owns: the work-queue mark in a message list row: "Đã xử lý" (handled) or "Đã giao" (assigned),
// from the keywords the work queue writes ($handled, $assigned), so every list — a unit mailbox's
// above all — shows what is taken and what is done.
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './extras.css';

export function WorkBadge({ keywords }: { keywords: Record<string, boolean> }) {
  const { t } = useTranslation();
  if (keywords.$handled) return <span className="wq-badge done">{t('wq.done')}</span>;
  if (keywords.$assigned) return <span className="wq-badge">{t('wq.assigned')}</span>;
  return null;
}
