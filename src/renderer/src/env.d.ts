import type { WorkbenchBridge } from '../../shared/api'

declare global {
  interface Window {
    /** Present in the Electron app only (src/preload/index.ts). */
    workbench?: WorkbenchBridge
  }
  /** package.json's version, set by the build (electron.vite.config.ts). */
  const __APP_VERSION__: string
}
