/** `TraceEnable` (core): whether httpd answers TRACE, and whether its Allow lines name it. */
import type { VhostSettings } from '../../../shared/config-model'

export type TraceEnable = 'on' | 'off' | 'extended'

/** `TraceEnable` for a vhost: its own setting, else the server's, else On. */
export function traceEnableOf(layers: VhostSettings[]): TraceEnable {
  let mode: TraceEnable = 'on'
  for (const l of layers) {
    const v = l.other.TraceEnable?.value[0]?.toLowerCase()
    if (v === 'on' || v === 'off' || v === 'extended') mode = v
  }
  return mode
}
