/**
 * The module writes the C library's wording after a failed connect, e.g. `Unable to connect
 * socket to 10.43.3.40:4502: Connection timed out` (dispatcher-behavior.md §6.4, §9). Node
 * and undici report codes instead; this maps them back to strerror(3)/gai_strerror(3) text
 * so the trace reads like the real log.
 */

const STRERROR: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ETIMEDOUT: 'Connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'Connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'Connection timed out',
  UND_ERR_BODY_TIMEOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EHOSTDOWN: 'Host is down',
  EPIPE: 'Broken pipe',
  ENOTFOUND: 'Name or service not known',
  EAI_NONAME: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
  // undici's "other side closed": the render dropped the connection before answering.
  UND_ERR_SOCKET: 'Connection reset by peer',
  UND_ERR_CLOSED: 'Connection reset by peer',
  UND_ERR_DESTROYED: 'Connection reset by peer'
}

export function socketErrorText(code: string | undefined, fallback: string): string {
  return (code && STRERROR[code]) || fallback || code || 'unknown error'
}
