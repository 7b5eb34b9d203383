import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Loaded } from '../../components/state';
import type { CertificateType } from '../../lib/types';

/** The registered certificate types, loaded once by the console for all its pages. */
export const TypesContext = createContext<Loaded<CertificateType[]> | undefined>(undefined);

/** The registered certificate types (`reload()` after registering one). */
export function useTypes(): Loaded<CertificateType[]> {
  const value = useContext(TypesContext);
  if (value === undefined) throw new TypeError('useTypes outside the registry console');
  return value;
}
