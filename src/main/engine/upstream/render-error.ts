/** How a forward to a render fails, for both HTTP clients (render-client.ts, expect-continue.ts). */
import { errorCode } from '../http/error-code'

/**
 * Why a forward failed: `connect` (refused, unreachable, connect timeout) happens before the
 * render saw anything, so retrying elsewhere is safe; `timeout` is /receiveTimeout while
 * waiting for headers (the module answers 504); `body` is a failure after headers were sent.
 */
export class RenderError extends Error {
  constructor(
    readonly kind: 'connect' | 'timeout' | 'body' | 'aborted',
    message: string,
    readonly code?: string
  ) {
    super(message)
  }
}

/** An HTTP client's error as a RenderError: after the headers a `body` failure, else timeout or connect. */
export function classifyRenderError(error: Error, headersSeen: boolean): RenderError {
  if (error instanceof RenderError) return error
  const code = errorCode(error)
  if (headersSeen) return new RenderError('body', error.message, code)
  if (code === 'UND_ERR_HEADERS_TIMEOUT')
    return new RenderError('timeout', 'render did not answer within /receiveTimeout', code)
  // Anything else failed before the render answered: refused, reset, unreachable, timed out.
  return new RenderError('connect', error.message || code, code)
}
