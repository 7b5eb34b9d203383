import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { currentUser, onSessionChange, type SessionUser } from '../lib/session';

const Context = createContext<SessionUser | undefined>(undefined);

/** Keeps the logged-in user in context and re-renders the app when it changes. */
export function SessionProvider(props: { children: ComponentChildren }) {
  const [user, setUser] = useState<SessionUser | undefined>(currentUser);
  useEffect(() => onSessionChange(() => setUser(currentUser())), []);
  return <Context.Provider value={user}>{props.children}</Context.Provider>;
}

/** The logged-in user, or undefined. */
export function useSession(): SessionUser | undefined {
  return useContext(Context);
}
