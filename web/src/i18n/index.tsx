import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import common from './common';
import publicPages from './public';
import registry from './registry';
import charity from './charity';
import audit from './audit';

/** The portal's languages; Chinese first. */
export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** One area's messages, the same keys in both languages. `{name}` marks a value filled in by `t`. */
export type Messages = Record<Lang, Record<string, string>>;

const ALL: Messages[] = [common, publicPages, registry, charity, audit];
const TABLE: Record<Lang, Record<string, string>> = {
  'zh-CN': Object.assign({}, ...ALL.map((m) => m['zh-CN'])) as Record<string, string>,
  en: Object.assign({}, ...ALL.map((m) => m.en)) as Record<string, string>,
};

const STORAGE_KEY = 'civic.lang';

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

/** Looks a message up and fills in `{name}` values; a missing key is a defect, reported on the console. */
export function translate(lang: Lang, key: string, values: Record<string, string | number> = {}): string {
  const text = TABLE[lang][key];
  if (text === undefined) {
    console.error(`missing ${lang} message '${key}'`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Its functions are closures over the language, so a component may destructure them. */
export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: string, values?: Record<string, string | number>) => string;
  /** True when a message exists (for optional texts such as error codes). */
  has: (key: string) => boolean;
  /** An amount in fen as yuan, e.g. ¥1,234.50. */
  money: (fen: number) => string;
  /** A date-time in the reader's zone, e.g. 2026年11月30日 14:05. */
  dateTime: (iso: string) => string;
  /** A calendar date, e.g. 2026年11月30日. */
  date: (iso: string) => string;
}

const Context = createContext<I18n | undefined>(undefined);

export function I18nProvider(props: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const money = new Intl.NumberFormat(lang, { style: 'currency', currency: 'CNY' });
    const dt = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' });
    const d = new Intl.DateTimeFormat(lang, { dateStyle: 'long' });
    const safe = (f: Intl.DateTimeFormat, iso: string): string => {
      const when = new Date(iso);
      return Number.isNaN(when.getTime()) ? iso : f.format(when);
    };
    return {
      lang,
      setLang: (next: Lang) => {
        localStorage.setItem(STORAGE_KEY, next);
        setLangState(next);
      },
      t: (key, values) => translate(lang, key, values),
      has: (key) => TABLE[lang][key] !== undefined,
      money: (fen) => money.format(fen / 100),
      dateTime: (iso) => safe(dt, iso),
      date: (iso) => safe(d, iso),
    };
  }, [lang]);
  return <Context.Provider value={value}>{props.children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (value === undefined) throw new TypeError('useI18n outside I18nProvider');
  return value;
}
