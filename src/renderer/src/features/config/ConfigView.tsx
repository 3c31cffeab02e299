/**
 * The configuration in use: its folder, files, farms, the last reload and its errors (each
 * with a link to the line), a reload button, a way to open another folder, and the runtime
 * settings it is evaluated with.
 */
import { useState } from 'react'
import type { ConfigStatus } from '../../../../shared/api'
import type { Diagnostic } from '../../../../shared/diagnostics'
import { Empty } from '../../components/Empty'
import { Pill } from '../../components/Pill'
import { SourceLink } from '../../components/SourceLink'
import { useSession, useVanilla } from '../../session-context'
import { formatAgo, formatDateTime } from '../../store/format'
import { askStatus, configStore, displayPath } from '../../store/panels'
import { RuntimeSection } from './RuntimeSection'

const LAYOUT: Record<ConfigStatus['layout'], string> = {
  aemaacs: 'AEM as a Cloud Service (dispatcher/src)',
  classic: 'classic (AMS / on-premise)',
  'any-file': 'a single dispatcher.any',
  'embedded-default': 'embedded default configuration'
}

export function ConfigView() {
  const status = useVanilla(configStore, (s) => s.status)
  const error = useVanilla(configStore, (s) => s.error)
  if (!status) return <Empty title="Loading the configuration status…">{error}</Empty>
  return (
    <div className="config-view">
      <ReloadSection status={status} />
      <RuntimeSection key={`${status.generation}`} status={status} />
      {status.lastReload.errors.length > 0 && (
        <Diagnostics title="Errors in the last reload" items={status.lastReload.errors} tone="bad" />
      )}
      {/* The serving configuration's warnings are listed below; these are the refused one's own. */}
      {!status.lastReload.ok && status.lastReload.warnings.length > 0 && (
        <Diagnostics
          title="Warnings of the refused configuration (not in the one serving)"
          items={status.lastReload.warnings}
          tone="warn"
        />
      )}
      <section className="card">
        <h2>Farms</h2>
        <table className="grid-table">
          <thead>
            <tr>
              <th>farm</th>
              <th>virtual hosts</th>
              <th>renders</th>
              <th>defined at</th>
            </tr>
          </thead>
          <tbody>
            {status.farms.map((f) => (
              <tr key={f.name}>
                <td>/{f.name}</td>
                <td className="mono">{f.virtualhosts.join(' ') || '—'}</td>
                <td>{f.renders.map((r) => `/${r}`).join(' ')}</td>
                <td>
                  <SourceLink pos={f.pos} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {status.warnings.length > 0 && <Diagnostics title="Warnings" items={status.warnings} tone="warn" />}
      <section className="card">
        <h2>Files ({status.files.length})</h2>
        <ul className="file-list">
          {status.files.map((f) => (
            <li key={f.file}>
              {/* Relative to the folder only inside it: the runtime's own files elsewhere show their whole path. */}
              <SourceLink pos={{ file: f.file, line: 1, column: 1 }} label={displayPath(f.file, status.baseDir)} />
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>Variables</h2>
        <table className="grid-table compact">
          <tbody>
            {Object.entries(status.variables)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => (
                <tr key={k}>
                  <td className="mono">{k}</td>
                  <td className="mono">{v}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </section>
    </div>
  )
}

function ReloadSection({ status }: { status: ConfigStatus }) {
  const { client } = useSession()
  const busy = useVanilla(configStore, (s) => s.busy)
  const error = useVanilla(configStore, (s) => s.error)
  const [path, setPath] = useState('')
  // A path the engine could not open is told next to the field it was typed in, while the field
  // still holds it: an answer that comes after the path was edited is about a path no longer there.
  const [refused, setRefused] = useState<{ path: string; message: string } | null>(null)
  const openError = refused?.path === path.trim() ? refused.message : null

  const act = async (
    f: () => Promise<ConfigStatus>,
    fail = (message: string) => configStore.setState({ error: message })
  ): Promise<void> => {
    configStore.setState({ busy: true, error: null })
    try {
      await askStatus(f)
    } catch (e) {
      fail((e as Error).message)
    } finally {
      configStore.setState({ busy: false })
    }
  }
  const pick = async (): Promise<void> => {
    const folder = await client.pickConfigFolder?.()
    if (folder) await act(() => client.openConfig(folder))
  }
  const r = status.lastReload
  return (
    <section className="card">
      <h2>Configuration</h2>
      <dl className="parts wide">
        <dt>folder</dt>
        <dd className="mono">{status.input}</dd>
        <dt>layout</dt>
        <dd>{LAYOUT[status.layout]}</dd>
        <dt>dispatcher.any</dt>
        <dd>
          <SourceLink pos={{ file: status.anyFile, line: 1, column: 1 }} />
        </dd>
        <dt>last reload</dt>
        <dd className="reload-state">
          {r.ok ? <Pill tone="good">loaded</Pill> : <Pill tone="bad">refused</Pill>}{' '}
          <span title={formatDateTime(r.at)}>{r.at ? `${formatDateTime(r.at)} (${formatAgo(r.at)})` : '—'}</span> ·
          generation {status.generation}
          {!r.ok && <span className="muted"> — the previous configuration keeps serving</span>}
        </dd>
        <dt>proxy</dt>
        <dd className="mono">{status.proxyUrl ?? 'not listening'}</dd>
      </dl>
      <div className="actions">
        <button onClick={() => void act(() => client.reloadConfig())} disabled={busy}>
          Reload
        </button>
        {client.pickConfigFolder ? (
          <button onClick={() => void pick()} disabled={busy}>
            Open folder…
          </button>
        ) : (
          <form
            className="open-path"
            onSubmit={(e) => {
              e.preventDefault()
              const asked = path.trim()
              setRefused(null)
              if (asked)
                void act(
                  () => client.openConfig(asked),
                  (message) => setRefused({ path: asked, message })
                )
            }}
          >
            <input
              type="text"
              value={path}
              onChange={(e) => {
                setPath(e.target.value)
                setRefused(null)
              }}
              placeholder="/path/to/dispatcher/src"
              aria-label="Configuration folder"
              aria-invalid={openError !== null}
              aria-describedby={openError !== null ? 'open-error' : undefined}
              spellCheck={false}
            />
            <button type="submit" disabled={busy || !path.trim()}>
              Open
            </button>
          </form>
        )}
      </div>
      {openError && (
        <p id="open-error" className="error-text open-error" role="alert">
          {openError}
        </p>
      )}
      {error && <p className="error-text">{error}</p>}
    </section>
  )
}

function Diagnostics({ title, items, tone }: { title: string; items: Diagnostic[]; tone: 'bad' | 'warn' }) {
  return (
    <section className={`card diagnostics tone-border-${tone}`}>
      <h2>
        {title} ({items.length})
      </h2>
      <ul>
        {items.map((d, i) => (
          <li key={i} className="diagnostic">
            {d.pos ? <SourceLink pos={d.pos} column /> : <span className="muted">&lt;config&gt;</span>}{' '}
            <span className="code">{d.code}</span> {d.message}
          </li>
        ))}
      </ul>
    </section>
  )
}
