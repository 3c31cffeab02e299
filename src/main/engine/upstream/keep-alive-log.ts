/**
 * The module's debug lines about its kept-alive render connections (dispatcher-behavior.md
 * §6.1), as aem-dispatcher-experiments' dispatcher.log shows them around one render request:
 *
 *   Dropping socket after 1215 seconds of inactivity: 127.0.0.1:4503
 *   Creating new connection: 127.0.0.1:4503
 *   Connected to backend rend01 (127.0.0.1:4503)
 *   Adding request header: Host
 *   …
 *   Cache file successfully created: …
 *   Storing socket for later reuse: 127.0.0.1:4503
 *
 * The workbench logs them from what its connection pool did for the attempt (render-client.ts,
 * head-tap.ts): a new connection or a kept one, the connection kept after the answer or not,
 * and the kept connections the pool dropped for their inactivity since the render's previous
 * request. The lines are shared: an attempt on a kept connection logs the connect lines it had
 * (forward-headers.ts), and one on a new connection or whose connection is kept gets one shared
 * array per such list, not a copy per request.
 */

/** What the render connection did for one attempt. */
export interface ConnectionUse {
  /** The attempt opened a connection of its own (else it was sent on one kept from an earlier answer). */
  readonly created: boolean
  /**
   * The idle seconds of each kept connection the pool dropped since the render's previous
   * request (undici closes them on its own timer; see RenderClient.droppedIdle), or null.
   */
  readonly dropped: readonly number[] | null
}

const REUSED: ConnectionUse = Object.freeze({ created: false, dropped: null })
const CREATED: ConnectionUse = Object.freeze({ created: true, dropped: null })

/**
 * What the connection did for an attempt, a shared value for the common cases (no drop to tell
 * of). `created` null: no connection carried the attempt (a failed connect), whose drops are
 * still told; undefined when there are none.
 */
export function connectionUse(created: boolean | null, dropped: readonly number[] | null): ConnectionUse | undefined {
  if (dropped !== null) return { created: created === true, dropped }
  return created === null ? undefined : created ? CREATED : REUSED
}

/** `text: origin`, one string per origin (the lines name a render's host:port). */
function originLine(text: string): (origin: string) => string {
  const lines = new Map<string, string>()
  return (origin) => {
    let line = lines.get(origin)
    if (line === undefined) lines.set(origin, (line = `${text}: ${origin}`))
    return line
  }
}

const creatingLine = originLine('Creating new connection')
const storingLine = originLine('Storing socket for later reuse')

function droppingLine(seconds: number, origin: string): string {
  return `Dropping socket after ${seconds} seconds of inactivity: ${origin}`
}

/**
 * Pushes the lines that come before an attempt's `Connected to backend …`: its drops, then
 * `Creating new connection` when it opened one. `connected` false: the attempt did not reach
 * the render (a failed connect), and only the drops are told.
 */
export function pushOpening(log: string[], use: ConnectionUse | undefined, origin: string, connected = true): void {
  if (use === undefined) return
  if (use.dropped !== null) for (const s of use.dropped) log.push(droppingLine(s, origin))
  if (use.created && connected) log.push(creatingLine(origin))
}

/**
 * `connected` (an attempt's shared connect lines) with its opening lines before it: the same
 * array on a kept connection, one shared array per list on a new one; a drop (rare) gets its own.
 */
export function withOpening(
  use: ConnectionUse | undefined,
  origin: string,
  connected: readonly string[]
): readonly string[] {
  if (use === undefined || (!use.created && use.dropped === null)) return connected
  if (use.dropped === null) {
    let lines = openedOnNew.get(connected)
    if (lines === undefined) openedOnNew.set(connected, (lines = Object.freeze([creatingLine(origin), ...connected])))
    return lines
  }
  const lines: string[] = []
  pushConnected(lines, use, origin, connected)
  return lines
}

/** Pushes an attempt that reached the render: its opening lines, then `connected`. */
export function pushConnected(
  log: string[],
  use: ConnectionUse | undefined,
  origin: string,
  connected: readonly string[]
): void {
  pushOpening(log, use, origin)
  for (const line of connected) log.push(line)
}

const openedOnNew = new WeakMap<readonly string[], readonly string[]>()

/**
 * `log` with `Storing socket for later reuse` last: pushed onto a log of the request's own (the
 * retry loop's), one shared array per frozen one (firstAnswer's shared lines).
 */
export function withStored(log: readonly string[] | undefined, origin: string): readonly string[] {
  if (log === undefined) return [storingLine(origin)]
  if (!Object.isFrozen(log)) {
    ;(log as string[]).push(storingLine(origin))
    return log
  }
  let lines = stored.get(log)
  if (lines === undefined) stored.set(log, (lines = Object.freeze([...log, storingLine(origin)])))
  return lines
}

const stored = new WeakMap<readonly string[], readonly string[]>()
