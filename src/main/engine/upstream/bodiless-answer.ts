/**
 * A 204 or 304 never has a body (RFC 9112 §6.3), whatever Content-Length it names: a 304
 * repeats the length of the representation it stands for, and Jetty (AEM) and many CDNs send
 * it. undici 7's parser knows there is no body, but then compares the bytes it read (none)
 * with that length and fails the exchange (UND_ERR_RES_CONTENT_LENGTH_MISMATCH), so the
 * client would get nothing where the Dispatcher and mod_proxy relay the answer. undici 8
 * fixed this, but needs Node 22. Dispatch handlers ask this in `onResponseError` and end such
 * an answer normally instead; undici has already closed the connection, so nothing the
 * backend might have sent after it is read as the next answer.
 */
import { errorCode } from '../http/error-code'

const MISMATCH = 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'

/** `status`: the answer's status from `onResponseStart` (0 before it). */
export function isBodilessAnswerEnd(status: number, error: Error): boolean {
  return (status === 204 || status === 304) && errorCode(error) === MISMATCH
}
