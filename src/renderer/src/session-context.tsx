/** Hands the session (client + stores) to every component; hooks to read zustand stores. */
import { createContext, useContext } from 'react'
import { useStore, type StoreApi } from 'zustand'
import type { Session } from './store/session'
import type { RequestsActions, RequestsState } from './store/requests'

export const SessionContext = createContext<Session | null>(null)

export function useSession(): Session {
  const s = useContext(SessionContext)
  if (!s) throw new Error('no session')
  return s
}

export function useRequests<T>(select: (s: RequestsState & RequestsActions) => T): T {
  return useStore(useSession().requests, select)
}

export function useVanilla<S, T>(store: StoreApi<S>, select: (s: S) => T): T {
  return useStore(store, select)
}
