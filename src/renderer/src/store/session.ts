/**
 * Connects a client to the stores: live events into the request log (batched per frame),
 * the config, renders and cache panels; on every (re)connection, what was missed.
 */
import type { EngineUiEvent } from '../../../shared/api'
import type { EngineClient } from '../api/client'
import { cacheStore, foldersTouched, nextClockChange } from './cache-tree'
import { askingStatus, configStore, rendersStore, statusHeard, uiStore } from './panels'
import type { RequestsStore } from './requests'

export interface Session {
  client: EngineClient
  requests: RequestsStore
  /** Shows the cache of a farm from the top, listed and counted anew (also the cache view's Refresh). */
  selectCacheFarm(farm: string): void
  /** Lists a cache folder of the current farm again (used by the cache view). */
  refreshCacheFolder(relDir: string): Promise<void>
  /** Lists every open folder again and recounts the totals (after a flush or a clear). */
  refreshCache(): void
  stop(): void
}

/** Past the moment a state changes, so the engine's clock has passed it too when it lists. */
const CLOCK_SLACK_MS = 50

export function startSession(client: EngineClient, requests: RequestsStore): Session {
  // Only the newest request for a folder's listing, or for the totals, may land: answers can
  // come back in any order (a slow one, or one asked before the farm was chosen again), and an
  // older one would put what the docroot held then, or another farm's counts, over what the
  // view shows now. Choosing a farm forgets every request, so none asked before lands after.
  const newest = new Map<string, number>()
  let asked = 0
  const ask = (what: string): (() => boolean) => {
    const ticket = ++asked
    newest.set(what, ticket)
    return () => newest.get(what) === ticket
  }

  const refreshCacheFolder = async (relDir: string): Promise<void> => {
    const farm = cacheStore.getState().farm
    if (!farm) return
    const current = ask(`folder ${relDir}`)
    cacheStore.setState((s) => ({ loading: [...new Set([...s.loading, relDir])] }))
    try {
      const listing = await client.listCacheFolder(farm, relDir)
      if (current()) cacheStore.setState((s) => ({ listings: { ...s.listings, [relDir]: listing }, error: null }))
    } catch (e) {
      if (current()) cacheStore.setState({ error: (e as Error).message })
    } finally {
      // While a newer request for the folder is on its way, the folder is still loading.
      if (current()) cacheStore.setState((s) => ({ loading: s.loading.filter((l) => l !== relDir) }))
    }
  }

  /** A failure is shown when the farm was just chosen (its cache cannot be read); a recount's is not. */
  const refreshTotals = (showFailure = false): void => {
    const farm = cacheStore.getState().farm
    if (!farm) return
    const current = ask('totals')
    void client
      .cacheTotals(farm)
      .then((totals) => current() && cacheStore.setState({ totals }))
      .catch((e: Error) => showFailure && current() && cacheStore.setState({ error: e.message }))
  }

  const selectCacheFarm = (farm: string): void => {
    newest.clear()
    cacheStore.setState({ farm, listings: {}, open: ['/'], loading: [], totals: null, error: null, stale: [] })
    void refreshCacheFolder('/')
    refreshTotals(true)
  }

  const refreshCache = (): void => {
    for (const dir of Object.keys(cacheStore.getState().listings)) void refreshCacheFolder(dir)
    refreshTotals()
  }

  let cacheRefresh: ReturnType<typeof setTimeout> | undefined
  const onCacheEvents = (events: Extract<EngineUiEvent, { type: 'cache' }>['events']): void => {
    const { farm, listings } = cacheStore.getState()
    if (!farm) return
    const dirs = foldersTouched(events, farm, listings)
    if (dirs.length === 0) return
    cacheStore.setState((s) => ({ stale: [...new Set([...s.stale, ...dirs])] }))
    // Bursts of stores (a page with 40 assets) become one refresh.
    clearTimeout(cacheRefresh)
    cacheRefresh = setTimeout(() => {
      const stale = cacheStore.getState().stale
      cacheStore.setState({ stale: [] })
      for (const dir of stale) void refreshCacheFolder(dir)
      refreshTotals()
    }, 250)
  }

  // A file's state also changes with no event (a grace period or a .ttl running out): the
  // folders showing one are listed again when it does, so the tree never shows "grace" for good.
  let clockRefresh: ReturnType<typeof setTimeout> | undefined
  const unsubscribeClock = cacheStore.subscribe((s, prev) => {
    if (s.listings === prev.listings) return
    clearTimeout(clockRefresh)
    const next = nextClockChange(s.listings, Date.now())
    if (!next) return
    clockRefresh = setTimeout(
      () => {
        for (const dir of next.dirs) void refreshCacheFolder(dir)
      },
      Math.max(0, next.at - Date.now()) + CLOCK_SLACK_MS
    )
  })

  // Renders events come every second while requests pass: one that came while the catch-up was
  // on its way is newer than the catch-up's answer, which then must not replace it.
  let rendersHeard = 0
  const unsubscribe = client.subscribe((event) => {
    switch (event.type) {
      case 'traces':
        requests.getState().receive(event.traces, event.dropped)
        break
      case 'config':
        statusHeard(event.status)
        break
      case 'renders':
        rendersHeard++
        rendersStore.setState({ renders: event.renders, updatedAt: Date.now() })
        break
      case 'cache':
        onCacheEvents(event.events)
        break
    }
  })

  const catchUp = async (): Promise<void> => {
    const s = requests.getState()
    const showStatus = askingStatus()
    const heard = rendersHeard
    const [traces, status, renders] = await Promise.all([
      client.listTraces({ afterSeq: s.lastSeq, limit: s.capacity }),
      client.getConfigStatus(),
      client.getRenders()
    ])
    requests.getState().load(traces.traces, traces.dropped)
    showStatus(status)
    if (rendersHeard === heard) rendersStore.setState({ renders, updatedAt: Date.now() })
  }

  const stopConnection = client.onConnection((state) => {
    uiStore.setState({ connection: state })
    if (state === 'open') void catchUp().catch((e: Error) => configStore.setState({ error: e.message }))
  })

  return {
    client,
    requests,
    selectCacheFarm,
    refreshCacheFolder,
    refreshCache,
    stop() {
      unsubscribe()
      unsubscribeClock()
      stopConnection()
      clearTimeout(cacheRefresh)
      clearTimeout(clockRefresh)
    }
  }
}
