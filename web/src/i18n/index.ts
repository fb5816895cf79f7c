// Owns: the app's languages: Vietnamese by default, English switchable (remembered in localStorage,
// the <html lang> attribute follows). Texts in vi.json and en.json, the same keys.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import vi from './vi.json';
import en from './en.json';

export const LANGUAGES = [
  { code: 'vi', label: 'Tiếng Việt' },
  { code: 'en', label: 'English' },
] as const;

const KEY = 'thutin.lang';

function saved(): string {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'en' || v === 'vi' ? v : 'vi';
  } catch {
    return 'vi';
  }
}

void i18next.use(initReactI18next).init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: saved(),
  fallbackLng: 'vi',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});
document.documentElement.lang = i18next.language;
i18next.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
  try {
    localStorage.setItem(KEY, lng);
  } catch {
    /* private mode */
  }
});

export default i18next;
