/**
 * Keeps a client's request body intact until a render actually starts reading it.
 *
 * Bodies are streamed, never buffered, so a body can be sent once. A connection that fails
 * before any byte was read (refused, timed out) leaves the body untouched and the request can
 * go to the next render (dispatcher-behavior.md §6.4); the guard tells which case happened,
 * and makes sure the HTTP client's clean-up of a failed attempt (which destroys the stream it
 * was given) never destroys the client's own request stream.
 */
import { Readable } from 'node:stream'

export class BodyGuard {
  /** What to hand to the HTTP client for one attempt. */
  readonly stream: Readable
  private started = false
  private readonly onData = (chunk: Buffer): void => {
    if (!this.stream.push(chunk)) this.source.pause()
  }
  private readonly onEnd = (): void => {
    this.stream.push(null)
  }
  private readonly onError = (err: Error): void => {
    this.stream.destroy(err)
  }

  constructor(private readonly source: Readable) {
    this.stream = new Readable({
      read: () => this.pull(),
      destroy: (err, callback) => {
        this.detach()
        callback(err)
      }
    })
  }

  /** True once the render began reading: the body can no longer be sent elsewhere. */
  get touched(): boolean {
    return this.started
  }

  private pull(): void {
    if (!this.started) {
      this.started = true
      if (this.source.readableEnded) {
        this.stream.push(null)
        return
      }
      this.source.on('data', this.onData)
      this.source.once('end', this.onEnd)
      this.source.once('error', this.onError)
    }
    this.source.resume()
  }

  private detach(): void {
    this.source.off('data', this.onData)
    this.source.off('end', this.onEnd)
    this.source.off('error', this.onError)
    if (this.started) this.source.pause()
  }
}
