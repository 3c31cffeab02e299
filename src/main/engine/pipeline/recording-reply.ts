/**
 * A Reply that sends nothing anywhere: it records the status and headers in the trace and
 * drops the body. `explain` uses it (nothing may be sent) and so do the engine's own requests
 * (a re-fetching flush wants the page stored, not delivered).
 */
import type { OutgoingHttpHeaders } from 'node:http'
import type { RequestTrace } from '../../../shared/trace'
import type { Reply } from './context'
import { withServerHeader } from '../runtime/server-banner'
import { fixupVary } from '../http/fixup-vary'

export class RecordingReply implements Reply {
  headersSent = false
  /** Set once the request context (which owns the trace) exists. */
  trace!: RequestTrace
  private relayed = false

  /** `banner`: httpd's Server header for the configuration the request runs on. */
  constructor(private readonly banner: string) {}

  proxied(): void {
    this.relayed = true
  }

  sendsBody(): boolean {
    return true
  }

  head(status: number, given: OutgoingHttpHeaders): void {
    const headers = fixupVary(withServerHeader({ ...given }, this.banner, this.relayed))
    this.headersSent = true
    this.trace.response.status = status
    for (const k in headers) {
      const v = headers[k]
      if (v !== undefined) this.trace.response.headers[k] = Array.isArray(v) ? v.join('\n') : String(v)
    }
  }
  write(): boolean {
    return true
  }
  end(): void {}
  onDrain(): void {}
  onAbort(): void {}
  destroy(): void {}
}
