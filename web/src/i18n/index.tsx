import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import common, { type CommonKey } from './common';
import type { PublicKey } from './public';
import type { RegistryKey } from './registry';
import type { CharityKey } from './charity';
import type { AuditKey } from './audit';

/** The portal's languages; Chinese first. */
export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/**
 * The portal's areas, each with its own table per language. Only the Chinese common table is in the main
 * chunk; an area's table loads with the area's route, and English only when the reader chooses it.
 */
export type Area = 'common' | 'public' | 'registry' | 'charity' | 'audit';

/** Every message key: the keys of the Chinese tables. `t('noSuchKey')` does not compile. */
export type MessageKey = CommonKey | PublicKey | RegistryKey | CharityKey | AuditKey;

type Table = Readonly<Record<string, string>>;

const LOADERS: Record<Lang, Record<Area, () => Promise<{ default: Table }>>> = {
  'zh-CN': {
    common: () => Promise.resolve({ default: common }),
    public: () => import('./public'),
    registry: () => import('./registry'),
    charity: () => import('./charity'),
    audit: () => import('./audit'),
  },
  en: {
    common: () => import('./common.en'),
    public: () => import('./public.en'),
    registry: () => import('./registry.en'),
    charity: () => import('./charity.en'),
    audit: () => import('./audit.en'),
  },
};

/** The messages loaded so far, per language. */
const TABLE: Record<Lang, Record<string, string>> = { 'zh-CN': { ...common }, en: {} };
const loaded: Record<Lang, Set<Area>> = { 'zh-CN': new Set(['common']), en: new Set() };
const loading = new Map<string, Promise<void>>();
/** The areas whose pages have been asked for: switching language loads their tables first. */
const wanted = new Set<Area>(['common']);

const STORAGE_KEY = 'civic.lang';

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

/** The language pages are rendered in; an area loaded now loads its table in this one. */
let current: Lang = initialLang();

function isLoaded(areas: Iterable<Area>, lang: Lang): boolean {
  for (const area of areas) if (!loaded[lang].has(area)) return false;
  return true;
}

/** Loads one area's table in one language (once; a failed load is tried again next time). */
function loadTable(area: Area, lang: Lang): Promise<void> {
  if (loaded[lang].has(area)) return Promise.resolve();
  const id = `${lang}/${area}`;
  let pending = loading.get(id);
  if (pending === undefined) {
    pending = LOADERS[lang][area]().then(
      (m) => {
        Object.assign(TABLE[lang], m.default);
        loaded[lang].add(area);
        loading.delete(id);
      },
      (err: unknown) => {
        loading.delete(id);
        throw err;
      },
    );
    loading.set(id, pending);
  }
  return pending;
}

/** Loads the tables of `areas` in `lang`, and remembers the areas for a later language switch. */
export function loadWords(areas: readonly Area[], lang: Lang = current): Promise<void> {
  for (const area of areas) wanted.add(area);
  return Promise.all(['common' as const, ...areas].map((a) => loadTable(a, lang))).then(() => undefined);
}

/**
 * A route's module together with its words: for `lazy()`, so the router shows the page only once both
 * are there (no raw keys on screen). The table downloads in parallel with the page's chunk.
 */
export function withWords<M>(areas: readonly Area[], page: () => Promise<M>): () => Promise<M> {
  // A switch of language during the load: load the words again, in the language now shown.
  const words = (): Promise<void> => {
    const lang = current;
    return loadWords(areas, lang).then(() => (lang === current ? undefined : words()));
  };
  return () => Promise.all([page(), words()]).then(([m]) => m);
}

/** Values filled in for `{name}` marks. */
export type Values = Record<string, string | number>;

/** Looks a message up and fills in `{name}` values; a missing key is a defect, reported on the console. */
export function translate(lang: Lang, key: MessageKey, values: Values = {}): string {
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
  /** Switches language once the tables of every area asked for so far are loaded in it. */
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, values?: Values) => string;
  /** True when a message exists (for keys built from data, such as error codes); narrows the key for `t`. */
  has: (key: string) => key is MessageKey;
  /** An amount in fen as yuan, e.g. ¥1,234.50. */
  money: (fen: number) => string;
  /** A date-time in the reader's zone, e.g. 2026年11月30日 14:05. */
  dateTime: (iso: string) => string;
  /** A calendar date, e.g. 2026年11月30日. */
  date: (iso: string) => string;
}

const Context = createContext<I18n | undefined>(undefined);

export function I18nProvider(props: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(current);
  // An English reader's first page waits for the English common words rather than flashing keys.
  const [ready, setReady] = useState(() => isLoaded(['common'], current));
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    if (ready) return;
    let live = true;
    const settle = () => live && setReady(true);
    loadWords([], current).then(settle, (err: unknown) => {
      console.error(err);
      settle();
    });
    return () => {
      live = false;
    };
  }, [ready]);
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
        // Areas asked for while loading are loaded too before the switch.
        const switchWhenLoaded = (): Promise<void> =>
          isLoaded(wanted, next) ? Promise.resolve() : loadWords([...wanted], next).then(switchWhenLoaded);
        switchWhenLoaded().then(
          () => {
            current = next;
            setLangState(next);
          },
          (err: unknown) => console.error(err),
        );
      },
      t: (key, values) => translate(lang, key, values),
      has: (key): key is MessageKey => TABLE[lang][key] !== undefined,
      money: (fen) => money.format(fen / 100),
      dateTime: (iso) => safe(dt, iso),
      date: (iso) => safe(d, iso),
    };
  }, [lang]);
  if (!ready) return <p class="state state-loading" role="status" data-testid="loading" />;
  return <Context.Provider value={value}>{props.children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (value === undefined) throw new TypeError('useI18n outside I18nProvider');
  return value;
}
