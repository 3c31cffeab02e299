/**
 * How the configuration runs: where AEM answers, the SDK run mode and the farm used when no
 * `/virtualhosts` value matches — what `docker_run.sh host:port` and `DISP_RUN_MODE` are to the
 * SDK. Applying reloads the configuration; a refused reload keeps the previous one serving.
 */
import { useState } from 'react'
import type { ConfigStatus, RuntimeSettings } from '../../../../shared/api'
import { FALLBACK_FARMS, RUN_MODES } from '../../../../shared/runtime-settings'
import { useSession, useVanilla } from '../../session-context'
import { askStatus, configStore } from '../../store/panels'

/** The render address the configuration resolves to by itself (SDK or AMS variables). */
function ownAddress(status: ConfigStatus): string | null {
  const v = status.variables
  const host = v.AEM_HOST ?? v.PUBLISH_IP
  const port = v.AEM_PORT ?? v.PUBLISH_PORT
  return host && port ? `${host}:${port}` : null
}

export function RuntimeSection({ status }: { status: ConfigStatus }) {
  const { client } = useSession()
  const busy = useVanilla(configStore, (s) => s.busy)
  const current = status.runtime
  const [aem, setAem] = useState(current.aem ?? '')
  const [runMode, setRunMode] = useState(current.runMode)
  const [fallbackFarm, setFallbackFarm] = useState(current.fallbackFarm)
  const [error, setError] = useState<string | null>(null)
  const changed =
    aem.trim() !== (current.aem ?? '') || runMode !== current.runMode || fallbackFarm !== current.fallbackFarm
  // The run mode is the SDK's `-D ENVIRONMENT_<MODE>`: an AMS or classic configuration never reads it.
  const sdk = status.layout === 'aemaacs' || status.layout === 'embedded-default'

  const apply = async (): Promise<void> => {
    configStore.setState({ busy: true })
    setError(null)
    try {
      const next = await askStatus(() =>
        client.setRuntime({ aem: aem.trim() === '' ? null : aem.trim(), runMode, fallbackFarm })
      )
      if (!next.lastReload.ok)
        setError('The configuration was refused with these settings; the previous one keeps serving.')
    } catch (e) {
      setError((e as Error).message)
    } finally {
      configStore.setState({ busy: false })
    }
  }
  return (
    <section className="card runtime">
      <h2>Runtime</h2>
      <form
        className="runtime-form"
        onSubmit={(e) => {
          e.preventDefault()
          void apply()
        }}
      >
        <label>
          <span>{sdk ? 'AEM render' : 'publish render'}</span>
          <input
            type="text"
            value={aem}
            onChange={(e) => setAem(e.target.value)}
            placeholder={`host:port (the configuration's own: ${ownAddress(status) ?? 'none'})`}
            title={
              sdk
                ? 'Sets ${AEM_HOST} and ${AEM_PORT}, as docker_run.sh host:port does'
                : 'Sets ${PUBLISH_IP} and ${PUBLISH_PORT} (and ${AEM_HOST}/${AEM_PORT}); a render written with its own address keeps it'
            }
            aria-label="AEM render host:port"
            spellCheck={false}
          />
        </label>
        <label>
          <span>run mode</span>
          <select
            value={runMode}
            onChange={(e) => setRunMode(e.target.value as RuntimeSettings['runMode'])}
            aria-label="Run mode"
            disabled={!sdk}
            aria-describedby={sdk ? undefined : 'run-mode-note'}
          >
            {RUN_MODES.map((m) => (
              <option key={m} value={m}>
                {m} (ENVIRONMENT_{m.toUpperCase()})
              </option>
            ))}
          </select>
          {!sdk && (
            <small id="run-mode-note" className="muted field-note">
              the AEMaaCS SDK's -D ENVIRONMENT_… define, which a configuration of this layout does not read
            </small>
          )}
        </label>
        <label>
          <span>no farm matches</span>
          <select
            value={fallbackFarm}
            onChange={(e) => setFallbackFarm(e.target.value as RuntimeSettings['fallbackFarm'])}
            aria-label="Farm used when no virtual host matches"
          >
            {FALLBACK_FARMS.map((f) => (
              <option key={f} value={f}>
                {f === 'last' ? 'use the last farm (the 4.3.x module)' : 'use the first farm (the documentation)'}
              </option>
            ))}
          </select>
        </label>
        <div className="actions">
          <button type="submit" disabled={busy || !changed}>
            Apply
          </button>
        </div>
      </form>
      {error && <p className="error-text">{error}</p>}
    </section>
  )
}
