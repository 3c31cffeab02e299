/**
 * Entry: picks the transport (the Electron bridge when present, else the headless server
 * that served this page), starts the session and mounts the app.
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createIpcClient } from './api/ipc-client'
import { createWsClient } from './api/ws-client'
import { App } from './App'
import { SessionContext } from './session-context'
import { createRequestsStore } from './store/requests'
import { startSession } from './store/session'
import './styles/base.css'
import './styles/requests.css'
import './styles/trace.css'
import './styles/panels.css'

const client = window.workbench ? createIpcClient(window.workbench) : createWsClient(window.location)
const requests = createRequestsStore({
  schedule: (run) => requestAnimationFrame(run),
  pacing: { now: () => performance.now(), after: (run) => setTimeout(run, 0), delay: (run, ms) => setTimeout(run, ms) }
})
const session = startSession(client, requests)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionContext.Provider value={session}>
      <App />
    </SessionContext.Provider>
  </StrictMode>
)
