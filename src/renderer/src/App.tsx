/** The window: a top bar with the four screens and the engine's state, and the current screen. */
import { CacheView } from './features/cache/CacheView'
import { ConfigView } from './features/config/ConfigView'
import { RendersView } from './features/renders/RendersView'
import { RequestsView } from './features/requests/RequestsView'
import { configStore, uiStore, type Tab } from './store/panels'
import { useRequests, useVanilla } from './session-context'
import { formatCount } from './store/format'

const TABS: { id: Tab; label: string }[] = [
  { id: 'requests', label: 'Requests' },
  { id: 'cache', label: 'Cache' },
  { id: 'renders', label: 'Renders' },
  { id: 'config', label: 'Configuration' }
]

export function App() {
  const tab = useVanilla(uiStore, (s) => s.tab)
  return (
    <div className="app">
      <TopBar tab={tab} />
      <main className="screen">
        {tab === 'requests' && <RequestsView />}
        {tab === 'cache' && <CacheView />}
        {tab === 'renders' && <RendersView />}
        {tab === 'config' && <ConfigView />}
      </main>
    </div>
  )
}

function TopBar({ tab }: { tab: Tab }) {
  const connection = useVanilla(uiStore, (s) => s.connection)
  const proxyUrl = useVanilla(configStore, (s) => s.status?.proxyUrl ?? null)
  const reloadOk = useVanilla(configStore, (s) => s.status?.lastReload.ok ?? true)
  const generation = useVanilla(configStore, (s) => s.status?.generation ?? 0)
  const count = useRequests((s) => s.rows.length)
  return (
    <header className="topbar">
      <div className="brand">Dispatcher Workbench</div>
      <nav className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            className={`tab${tab === t.id ? ' active' : ''}`}
            data-tab={t.id}
            onClick={() => uiStore.setState({ tab: t.id })}
          >
            {t.label}
            {t.id === 'requests' && count > 0 && <span className="tab-count">{formatCount(count)}</span>}
            {t.id === 'config' && !reloadOk && (
              <span className="tab-alert" title="The last reload failed">
                !
              </span>
            )}
          </button>
        ))}
      </nav>
      <div className="topbar-status">
        {proxyUrl && (
          <span className="chip" title="Browse the site through this address">
            Proxy{' '}
            <a href={proxyUrl} target="_blank" rel="noreferrer">
              {proxyUrl.replace(/^http:\/\//, '')}
            </a>
          </span>
        )}
        {/* A button: the Configuration screen is where the refused reload's errors are, and the
            serving configuration's warnings. */}
        <button
          className={`chip chip-button ${reloadOk ? '' : 'chip-bad'}`}
          title={generationTitle(generation, reloadOk)}
          onClick={() => uiStore.setState({ tab: 'config' })}
        >
          config #{generation} {reloadOk ? '' : '· reload failed'}
        </button>
        <span
          className={`conn conn-${connection}`}
          title={`Engine connection: ${connection}`}
          aria-label={`engine ${connection}`}
        />
      </div>
    </header>
  )
}

/**
 * What the top bar's number is: the engine counts the configurations it swapped in (a refused
 * reload swaps nothing), and a trace names the generation it ran on.
 */
function generationTitle(generation: number, reloadOk: boolean): string {
  const refused = reloadOk
    ? ''
    : ` The last reload was refused: #${generation} keeps serving. Open the Configuration screen for its errors.`
  return `Configuration generation ${generation}: the number of configurations loaded since the start. A reload that is refused keeps the number, and the previous configuration serving.${refused}`
}
