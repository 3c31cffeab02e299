/**
 * mod_setenvif at request time (`match_headers`): each directive tests its attribute (or
 * expression) and sets or unsets variables; later directives see what earlier ones set.
 * Directives of the server or a vhost run when the request has been read (before mod_rewrite),
 * those of `<Directory>`/`<Location>` sections in the header-parser phase, after it.
 * See compile-setenv.ts for how directives are read.
 */
import type { SetEnvDirective } from '../../../../shared/config-model'
import type { SetEnvEntryTrace, SetEnvTrace } from '../../../../shared/trace-apache'
import {
  asciiLower,
  captureList,
  envGet,
  envSet,
  envUnset,
  evalExprBool,
  exprTrace,
  pregsub,
  type ApacheRequest,
  type FileProbe
} from '../../apache-expr'
import { compileSetEnv, type CompiledSetEnv, type SetEnvEntry } from './compile-setenv'
import { requestHeaderEntries } from './table'

export interface SetEnvOptions {
  notes?: Record<string, string>
  osEnv?: Record<string, string>
  fs?: FileProbe
  now?: Date
  /** Decide only: the result's trace has no entries (the env and Vary are the same). */
  quiet?: boolean
}

export interface SetEnvResult {
  env: Record<string, string>
  /** Request headers read by `SetEnvIfExpr` (Apache adds them to the response's Vary). */
  vary: string[]
  trace: SetEnvTrace
}

const compiledCache = new WeakMap<SetEnvDirective[], CompiledSetEnv>()

function attributeValue(e: SetEnvEntry, req: ApacheRequest, env: Record<string, string>): string | undefined {
  switch (e.special) {
    case 'remote_addr':
    case 'remote_host':
      // HostnameLookups Off: the "host" is the address.
      return req.remoteAddr
    case 'server_addr':
      return req.serverAddr
    case 'request_uri':
      return req.uri
    case 'request_method':
      return req.method
    case 'request_protocol':
      return req.protocol
    default:
      break
  }
  if (e.nameRegex) {
    let found: string | undefined
    for (const { name, value } of requestHeaderEntries(req)) {
      if (e.nameRegex.test(name)) found = value
    }
    return found
  }
  const name = e.attribute as string
  return req.headers[name.toLowerCase()] ?? envGet(env, name)
}

export function applySetEnv(
  directives: SetEnvDirective[] | CompiledSetEnv,
  req: ApacheRequest,
  env: Record<string, string>,
  opts: SetEnvOptions = {}
): SetEnvResult {
  let c: CompiledSetEnv
  if (Array.isArray(directives)) {
    c = compiledCache.get(directives) ?? compileSetEnv(directives)
    compiledCache.set(directives, c)
  } else c = directives
  const out = { ...env }
  const vary: string[] = []
  const traces: SetEnvEntryTrace[] = []
  const tracing = opts.quiet !== true
  let lastValue: string | undefined
  for (const e of c.entries) {
    const t: SetEnvEntryTrace | null = tracing
      ? {
          pos: e.src.pos,
          directive: e.src.directive,
          args: e.src.args,
          matched: false,
          set: [],
          unset: []
        }
      : null
    if (t) traces.push(t)
    let subject = ''
    let captures: (string | undefined)[] | null = null
    let matched = false
    if (e.expr) {
      const r = evalExprBool(
        e.expr,
        {
          req,
          env: out,
          notes: opts.notes,
          osEnv: opts.osEnv,
          fs: opts.fs,
          now: opts.now
        },
        tracing
      )
      for (const v of r.vary) if (!vary.includes(v)) vary.push(v)
      if (t) {
        t.expr = exprTrace(e.src.args[0], r)
        if (r.error) t.note = `evaluation failed (${r.error}): nothing is set`
      }
      matched = !r.error && r.value
      captures = r.captures
    } else {
      const value = e.sameAttributeAsPrevious ? lastValue : attributeValue(e, req, out)
      lastValue = value
      subject = value ?? ''
      if (t) {
        t.attribute = e.attribute
        t.subject = subject
      }
      if (e.literal !== undefined) matched = (e.literalCaseless ? asciiLower(subject) : subject).includes(e.literal)
      else {
        const m = (e.regex as RegExp).exec(subject)
        matched = m !== null
        if (m) captures = captureList(m)
      }
    }
    if (t) t.matched = matched
    if (!matched) continue
    for (const f of e.features) {
      if (f.value.startsWith('!')) {
        envUnset(out, f.name)
        t?.unset.push(f.name)
      } else {
        const value = e.literal !== undefined ? f.value : pregsub(f.value, captures)
        envSet(out, f.name, value)
        t?.set.push({ name: f.name, value })
      }
    }
  }
  return { env: out, vary, trace: { entries: traces } }
}
