/**
 * What of a body mod_proxy relays came in the reads that brought its head. mod_proxy_http reads
 * the backend without blocking and hands each read down the output filters; only a read that
 * finds nothing sends a FLUSH down first, and the read that reaches the end of the body brings
 * its EOS. So mod_deflate sees a body that came with its head whole, and one that did not after
 * a FLUSH (measured against apache2 2.4.68, test/httpd/deflate-by-type.test.ts).
 *
 * Node reads all a socket holds before it runs the check phase: a `setImmediate` made with the
 * head fires once the backend's connection ran dry. Until then the body's pieces are held; an
 * end that comes first makes them whole.
 */
export class ReadsWithHead {
  private held: Buffer[] | null = []
  private timer: NodeJS.Immediate | null

  /** `ranDry`: the connection ran dry before the end, with what came until then. */
  constructor(onAbort: (cb: () => void) => void, ranDry: (held: Buffer[]) => void) {
    this.timer = setImmediate(() => {
      const held = this.held
      this.stop()
      if (held) ranDry(held)
    })
    onAbort(() => this.stop())
  }

  /** Still in the reads that brought the head. */
  get holding(): boolean {
    return this.held !== null
  }

  add(chunk: Buffer): void {
    this.held?.push(chunk)
  }

  /** The end came with the head: the whole body, `last` its final piece. */
  whole(last: Buffer): Buffer {
    const held = this.held ?? []
    this.stop()
    return held.length === 0 ? last : Buffer.concat([...held, last])
  }

  private stop(): void {
    if (this.timer) clearImmediate(this.timer)
    this.timer = null
    this.held = null
  }
}
