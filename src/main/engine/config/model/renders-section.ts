/** `/renders` (dispatcher-behavior.md §2). */
import type { Render } from '../../../../shared/config-model'
import type { AnyBlock, AnyItem } from '../any/ast'
import { DEFAULTS } from './defaults'
import { keyOf, type SectionReader } from './reader'

export function buildRenders(item: AnyItem, r: SectionReader, where: string): Render[] {
  const block = r.expectBlock(item, `${where} (the /renders block)`)
  if (!block) return []
  const renders: Render[] = []
  for (const child of block.items) {
    if (child.kind === 'block') renders.push(buildRender(child, r, where))
    else if (child.kind === 'string') r.unknown(child, where)
    else
      r.sink.error('ANY_EXPECTED_BLOCK', 'syntax', `render /${child.name} must begin with a '{' character`, child.pos)
  }
  return renders
}

function buildRender(block: AnyBlock, r: SectionReader, where: string): Render {
  const label = block.name ?? ''
  const at = `${where}/${label || '{ }'}`
  const render: Render = {
    label,
    hostname: { value: '' },
    port: { value: 80 },
    timeout: { value: DEFAULTS.renderTimeout },
    receiveTimeout: { value: DEFAULTS.receiveTimeout },
    ipv4: { value: false },
    secure: { value: false },
    alwaysResolve: { value: false },
    pos: block.pos
  }
  let portSet = false
  for (const p of block.items) {
    switch (keyOf(p)) {
      case 'hostname': {
        const s = r.string(p, `${at}/hostname`)
        if (s) render.hostname = s
        break
      }
      case 'port':
        render.port = r.number(p, `${at}/port`, 80)
        portSet = true
        break
      case 'timeout':
        render.timeout = r.number(p, `${at}/timeout`, DEFAULTS.renderTimeout)
        break
      case 'receiveTimeout':
        render.receiveTimeout = r.number(p, `${at}/receiveTimeout`, DEFAULTS.receiveTimeout)
        break
      case 'ipv4':
        render.ipv4 = r.flag(p, `${at}/ipv4`, false)
        break
      case 'secure':
        render.secure = r.flag(p, `${at}/secure`, false)
        break
      case 'always-resolve':
        render.alwaysResolve = r.flag(p, `${at}/always-resolve`, false)
        break
      default:
        r.unknown(p, at)
    }
  }
  // Without /port the module connects to the scheme's default port (DOT reads it the same way).
  if (!portSet && render.secure.value) render.port = { value: 443 }
  if (!render.hostname.value)
    r.sink.error('MODEL_RENDER_WITHOUT_HOST', 'model', `render /${label} has no /hostname`, block.pos)
  else if (/\$\{/.test(render.hostname.value)) {
    r.sink.warn(
      'MODEL_UNRESOLVED_RENDER',
      'model',
      `render /${label} hostname "${render.hostname.value}" still contains an unresolved variable`,
      render.hostname.pos
    )
  }
  return render
}
