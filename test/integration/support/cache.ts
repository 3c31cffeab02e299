/**
 * Cache tests through the real listener: config C of dispatcher-behavior.md §12.3 (filter F,
 * cache rules, `/invalidate` on `*.html`, `/statfileslevel "3"`, `/info "1"`) with a docroot
 * in a fresh temp folder, plus small helpers to look at that docroot and to send requests the
 * way the tests need them (`X-Dispatcher-Info` on every GET, flush requests with CQ headers).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { onTestFinished } from 'vitest'
import { dispatcherAny, filterF } from './config'
import { stackForThisTest, type Stack } from './engine'
import type { SendOptions } from './http-client'
import type { CacheEvent } from '../../../src/shared/cache-types'

export interface CacheOptions {
  statfileslevel?: number
  allowAuthorized?: boolean
  enableTTL?: boolean
  gracePeriod?: number
  serveStaleOnError?: boolean
  /** `/ignoreUrlParams` rules, written as is inside the section. */
  ignoreUrlParams?: string
  /** `/headers` names. */
  headers?: string[]
  /** `/allowedClients` rules; default: deny everyone, allow 127.0.0.1 (§12.4 S10); `null`: no section. */
  allowedClients?: string | null
  /** Leave `/docroot` out of the section (§12.3 C21). */
  noDocroot?: boolean
  /** Use this docroot instead of a fresh temp folder (a restart on the same cache). */
  docroot?: string
  /** `/invalidateHandler` program. */
  invalidateHandler?: string
  /** Filter rules appended to filter F (to let a request reach the cache stage). */
  extraFilter?: string[]
  /** The farm's `/auth_checker` section, written as is. */
  authChecker?: string
  /** `/statfile`, a file name inside the docroot (written with the docroot's absolute path). */
  statfile?: string
  /** The farm's `/clientheaders` names (default `"*"`). */
  clientheaders?: string[]
  /** More farm properties, written as is (e.g. a `/sessionmanagement` section). */
  farmExtra?: string
}

export const LOCALHOST_ONLY = `/0 { /glob "*" /type "deny" } /1 { /glob "127.0.0.1" /type "allow" }`

/** A fresh, existing folder outside the workbench's own cache folder, removed after the test. */
export function tempDocroot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-docroot-'))
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

export function cacheSection(docroot: string, o: CacheOptions = {}): string {
  return [
    `    /cache {`,
    ...(o.noDocroot ? [] : [`      /docroot "${docroot}"`]),
    `      /statfileslevel "${o.statfileslevel ?? 3}"`,
    ...(o.statfile ? [`      /statfile "${docroot}/${o.statfile}"`] : []),
    `      /allowAuthorized "${o.allowAuthorized ? 1 : 0}"`,
    `      /enableTTL "${o.enableTTL ? 1 : 0}"`,
    ...(o.gracePeriod !== undefined ? [`      /gracePeriod "${o.gracePeriod}"`] : []),
    ...(o.serveStaleOnError ? [`      /serveStaleOnError "1"`] : []),
    `      /rules { /0000 { /glob "*" /type "allow" } /0001 { /glob "/libs/granite/csrf/token.json" /type "deny" } }`,
    `      /invalidate { /0000 { /glob "*" /type "deny" } /0001 { /glob "*.html" /type "allow" } }`,
    ...(o.ignoreUrlParams ? [`      /ignoreUrlParams { ${o.ignoreUrlParams} }`] : []),
    ...(o.invalidateHandler ? [`      /invalidateHandler "${o.invalidateHandler}"`] : []),
    ...(o.headers ? [`      /headers { ${o.headers.map((h) => `"${h}"`).join(' ')} }`] : []),
    ...(o.allowedClients === null ? [] : [`      /allowedClients { ${o.allowedClients ?? LOCALHOST_ONLY} }`]),
    `    }`
  ].join('\n')
}

/** Config C: one farm `/publish`, every host, filter F plus an allow for the CSRF token (C18). */
export function configC(renderPort: number, docroot: string, o: CacheOptions = {}): string {
  return dispatcherAny([
    {
      name: 'publish',
      renders: [{ host: '127.0.0.1', port: renderPort }],
      clientheaders: o.clientheaders,
      filter: filterF([
        `/0100 { /type "allow" /method "GET" /url "/libs/granite/csrf/token.json" }`,
        ...(o.extraFilter ?? [])
      ]),
      extra: `    /info "1"\n${cacheSection(docroot, o)}${o.authChecker ? `\n    ${o.authChecker}` : ''}${o.farmExtra ? `\n    ${o.farmExtra}` : ''}`
    }
  ])
}

export interface FlushSpec {
  action?: string
  handle?: string
  scope?: string
  body?: string
  headers?: Record<string, string>
}

export interface CacheStack extends Stack {
  docroot: string
  /** Absolute path of a docroot-relative file. */
  abs(rel: string): string
  exists(rel: string): boolean
  read(rel: string): string
  mtime(rel: string): number
  /** Temporary siblings (`<name>_<YYYY><6 characters>`) anywhere below the docroot. */
  temps(): string[]
  /** A GET (or another method) with `X-Dispatcher-Info: 1`. */
  get(target: string, opts?: SendOptions): ReturnType<Stack['send']>
  /** `POST /dispatcher/invalidate.cache` with the CQ headers. */
  flush(spec: FlushSpec): ReturnType<Stack['send']>
  /**
   * Resolves with the `cache-stored` event for `relPath` (the next one from now on), rejects
   * with the reason of a `cache-discarded` one or after `timeoutMs`.
   */
  nextStore(relPath: string, timeoutMs?: number): Promise<CacheEvent>
  /** A GET that must store `target` (its path): resolves once the file is in place. */
  prime(target: string, opts?: SendOptions): ReturnType<Stack['send']>
}

/** The `.stat` files that exist below the docroot, docroot-relative, sorted. */
export function statfilesIn(docroot: string): string[] {
  return walk(docroot)
    .filter((f) => path.basename(f) === '.stat')
    .map((f) => '/' + path.relative(docroot, f).split(path.sep).join('/'))
    .sort()
}

function walk(dir: string): string[] {
  const out: string[] = []
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...walk(p))
    else out.push(p)
  }
  return out
}

export const TEMP_FILE = /_\d{4}[A-Za-z0-9]{6}$/

export function withCacheHelpers(stack: Stack, docroot: string): CacheStack {
  const abs = (rel: string): string => path.join(docroot, rel)
  const get = (target: string, opts: SendOptions = {}): ReturnType<Stack['send']> =>
    stack.send(target, { ...opts, headers: { 'x-dispatcher-info': '1', ...opts.headers } })
  const nextStore = (relPath: string, timeoutMs = 3000): Promise<CacheEvent> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop()
        reject(new Error(`${relPath} was not stored within ${timeoutMs} ms`))
      }, timeoutMs)
      const stop = stack.engine.events.subscribe((e) => {
        if (e.type !== 'cache' || !('relPath' in e.event) || e.event.relPath !== relPath) return
        if (e.event.type !== 'cache-stored' && e.event.type !== 'cache-discarded') return
        clearTimeout(timer)
        stop()
        if (e.event.type === 'cache-stored') resolve(e.event)
        else reject(new Error(`${relPath} was discarded: ${e.event.reason}`))
      })
    })
  return Object.assign(stack, {
    docroot,
    abs,
    exists: (rel: string) => fs.existsSync(abs(rel)),
    read: (rel: string) => fs.readFileSync(abs(rel), 'latin1'),
    mtime: (rel: string) => fs.statSync(abs(rel)).mtimeMs,
    temps: () => walk(docroot).filter((f) => TEMP_FILE.test(f)),
    get,
    nextStore,
    async prime(target: string, opts: SendOptions = {}) {
      const stored = nextStore(decodeURIComponent(target.split('?')[0]))
      const answer = await get(target, opts)
      await stored
      return answer
    },
    flush: (spec: FlushSpec) =>
      stack.send('/dispatcher/invalidate.cache', {
        method: 'POST',
        headers: {
          'cq-action': spec.action ?? 'Activate',
          ...(spec.handle !== undefined ? { 'cq-handle': spec.handle } : {}),
          ...(spec.scope !== undefined ? { 'cq-action-scope': spec.scope } : {}),
          'content-type': 'application/octet-stream',
          'content-length': String(Buffer.byteLength(spec.body ?? '')),
          ...spec.headers
        },
        body: spec.body ?? ''
      })
  })
}

/** Config C against one counting upstream named `publish`, stopped after the test. */
export async function cacheStackForThisTest(o: CacheOptions = {}): Promise<CacheStack> {
  const docroot = o.docroot ?? tempDocroot()
  const stack = await stackForThisTest({ upstreams: ['publish'], any: (up) => configC(up.publish.port, docroot, o) })
  return withCacheHelpers(stack, docroot)
}
