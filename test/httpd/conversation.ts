/**
 * A conversation at the socket with both servers of a side-by-side pair: the same bytes, in the
 * same pieces with the same pauses, to each; the whole byte stream each sends back (Date blanked,
 * Allow sorted, the error pages' DOCTYPE and so their Content-Length blanked: 2.4.68 writes a
 * longer DOCTYPE) and whether it closed the connection within a generous wait. No assertion
 * measures a delay.
 */
import net from 'node:net'
import { beforeAll, expect } from 'vitest'
import type { RunningPair } from './harness'

/** Bytes to write, a pause in ms, or the client's FIN. */
export type Step = string | { pause: number } | 'FIN'

export interface Heard {
  /** What the server sent, normalised. */
  stream: string
  /** The server ended the connection before the client gave up waiting. */
  closed: boolean
}

/**
 * Writes `steps` and reads until the server closes, nothing arrives for `quietMs` after the
 * last write or byte, or 9 s pass.
 */
export function converse(port: number, steps: Step[], quietMs = 4000): Promise<Heard> {
  return new Promise((resolve) => {
    const parts: Buffer[] = []
    let done = false
    let quiet: NodeJS.Timeout | undefined
    const socket = net.connect(port, '127.0.0.1')
    const finish = (closed: boolean): void => {
      if (done) return
      done = true
      clearTimeout(cap)
      clearTimeout(quiet)
      socket.destroy()
      resolve({ stream: normalise(Buffer.concat(parts).toString('latin1')), closed })
    }
    const cap = setTimeout(() => finish(false), 9000)
    const arm = (): void => {
      clearTimeout(quiet)
      quiet = setTimeout(() => finish(false), quietMs)
    }
    socket.on('data', (c: Buffer) => {
      parts.push(c)
      arm()
    })
    socket.on('end', () => finish(true))
    socket.on('error', () => finish(true))
    socket.on('connect', async () => {
      for (const step of steps) {
        if (done) return
        if (step === 'FIN') socket.end()
        else if (typeof step === 'string') socket.write(step, 'latin1')
        else await new Promise((r) => setTimeout(r, step.pause))
      }
      arm()
    })
  })
}

function normalise(text: string): string {
  return (
    text
      .replace(/^Date: .*$/gm, 'Date: (date)')
      // httpd varies the order of the methods in Allow (harness.ts compares them sorted too).
      .replace(/^Allow: (.*)$/gm, (_, v: string) => `Allow: ${v.split(',').sort().join(',')}`)
      .replace(/<!DOCTYPE[^>]*>/g, '<!DOCTYPE>')
      .replace(
        /Content-Length: \d+(\r\n(?:[^\r\n]+\r\n)*?Content-Type: text\/html; charset=iso-8859-1)/g,
        'Content-Length: (page)$1'
      )
  )
}

/** Both servers' streams for the same steps, side by side. */
async function both(
  running: RunningPair,
  steps: Step[],
  quietMs?: number
): Promise<{ apache: Heard; workbench: Heard }> {
  const [apache, workbench] = await Promise.all([
    converse(running.apachePort, steps, quietMs),
    converse(running.enginePort, steps, quietMs)
  ])
  return { apache, workbench }
}

/** The workbench heard as apache2 is heard (same stream, same close). */
export async function expectSame(running: RunningPair, steps: Step[], quietMs?: number): Promise<void> {
  const { apache, workbench } = await both(running, steps, quietMs)
  expect(transcript(workbench)).toBe(transcript(apache))
}

/** One string, so that a failure shows a line-by-line diff. */
export function transcript(h: Heard): string {
  return `${h.stream}\n[${h.closed ? 'closed by the server' : 'still open'}]`
}

/**
 * The workbench started with `DW_NODE_HTTP_ONLY=1` (every head read by Node's parser, not the
 * lean listener), the variable as it was again once it runs.
 */
export function nodeParserOnly(start: () => RunningPair): RunningPair {
  const before = process.env.DW_NODE_HTTP_ONLY
  beforeAll(() => {
    process.env.DW_NODE_HTTP_ONLY = '1'
  })
  const running = start()
  beforeAll(() => {
    if (before === undefined) delete process.env.DW_NODE_HTTP_ONLY
    else process.env.DW_NODE_HTTP_ONLY = before
  })
  return running
}
