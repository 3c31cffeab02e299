/**
 * How a render is named in URLs and in log lines. The module logs `host:port` without a
 * scheme (`Unable to connect socket to 10.43.3.40:4502: …`, dispatcher-behavior.md §9).
 */
import type { Render } from '../../../shared/config-model'

/** `host:port`, IPv6 literals in brackets. */
export function renderAddress(render: Render): string {
  const host = render.hostname.value.includes(':') ? `[${render.hostname.value}]` : render.hostname.value
  return `${host}:${render.port.value}`
}

/** `http://host:port` or `https://host:port` (`/secure "1"`). */
export function renderOrigin(render: Render): string {
  return `${render.secure.value ? 'https' : 'http'}://${renderAddress(render)}`
}
