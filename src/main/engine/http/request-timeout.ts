/**
 * httpd's `Timeout` (core.c `set_timeout`): how long each read of a request may wait for the
 * client's next bytes, 60 s unless the configuration says otherwise (the AEMaaCS SDK image and
 * AMS's httpd.conf leave it so). It is the socket's timeout, so it bounds every single read and
 * not the request as a whole: bytes that keep coming, however slowly, restart the wait.
 *
 * A virtual host that sets none takes the main server's (`ap_fixup_virtual_hosts` copies it
 * into a vhost whose own is 0). The head is read under the connection's default server's
 * Timeout; once the Host header has chosen a vhost, its Timeout governs the body
 * (`ap_read_request`: "Toggle to the Host:-based vhost's timeout mode to fetch the request
 * body"). Measured on apache2 2.4.68 with a vhost's `Timeout 4` under the server's `Timeout 2`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { VhostSettings } from '../../../shared/config-model'
import { lastOther } from '../config/apache/settings'
import { parseTimeoutMs } from '../config/apache/timeout-arg'

/** httpd's `DEFAULT_TIMEOUT` (include/httpd.h): 60 seconds. */
export const HTTPD_TIMEOUT_MS = 60_000

/**
 * The Timeout the last of these contexts (server first, then the vhost) sets, in milliseconds.
 * A value httpd would refuse to start on, or 0 (which a vhost inherits over), counts as unset.
 */
export function requestTimeoutMs(layers: readonly VhostSettings[]): number {
  let ms = HTTPD_TIMEOUT_MS
  for (const layer of layers) {
    const arg = lastOther([layer], 'TimeOut')?.[0]
    const parsed = arg === undefined ? undefined : parseTimeoutMs(arg)
    if (parsed) ms = parsed
  }
  return ms
}

/**
 * On Node's path, calls `stalled` when the body of `req` stops coming for `timeoutMs` (httpd's
 * read fails with APR_TIMEUP, which ap_map_http_request_error makes a 408). Node's socket timer
 * is restarted by every read the parser makes, and Node emits its 'timeout' on the request
 * only while the request is incomplete; once it is complete, the answer may take as long as
 * it takes (the server-wide timeout Node otherwise leaves at 0), so the timer is stopped.
 */
export function watchBodyReads(
  req: IncomingMessage,
  res: ServerResponse,
  timeoutMs: number,
  stalled: () => void
): void {
  const socket = req.socket
  const stop = (): void => {
    if (!res.writableFinished) socket.setTimeout(0)
  }
  socket.setTimeout(timeoutMs)
  req.once('timeout', stalled)
  req.once('end', stop)
  // A complete request whose body nobody read to its end: the timer fires on the response (a
  // listener there keeps Node from destroying the socket).
  res.once('timeout', stop)
}
