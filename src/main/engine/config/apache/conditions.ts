/**
 * The conditional sections httpd decides while reading the configuration (`<IfDefine>`,
 * `<IfModule>`, `<IfFile>`, `<IfVersion>`, `<IfDirective>`, `<IfSection>`). A false one is
 * skipped unread: no `${VAR}` warning, Include or Define inside it takes effect.
 * `<If>` is different — a request-time expression — and is not handled here.
 */
import { directiveAvailable, sectionAvailable } from './directives'

/**
 * The httpd version we emulate: AEMaaCS moved to 2.4.63 in July 2025 (release 21570), whose
 * mod_rewrite question-mark tracking the rewrite stage follows. The differential tests run
 * against Debian's 2.4.68, which behaves the same in everything they compare.
 */
export const APACHE_VERSION = '2.4.63'

export interface ConditionEnv {
  isDefined(name: string): boolean
  moduleLoaded(name: string): boolean
  fileExists(pathArg: string): boolean
}

export type ConditionResult = { value: boolean } | { error: string }

/** `arg` is the section's first argument after `${VAR}` expansion; `!` negates (not for IfVersion). */
export function evaluateCondition(section: string, args: string[], env: ConditionEnv): ConditionResult {
  const kind = section.toLowerCase()
  if (kind === 'ifversion') return ifVersion(args)
  if (args.length === 0) return { error: `<${section}> directive requires additional arguments` }
  const raw = args[0] ?? ''
  const negate = raw.startsWith('!')
  const name = negate ? raw.slice(1) : raw
  if (name === '') return { error: `<${section}> needs an argument` }
  let value: boolean
  switch (kind) {
    case 'ifdefine':
      value = env.isDefined(name)
      break
    case 'ifmodule':
      value = env.moduleLoaded(name)
      break
    case 'iffile':
      value = env.fileExists(name)
      break
    case 'ifdirective':
      value = directiveAvailable(name, (m) => env.moduleLoaded(m))
      break
    case 'ifsection':
      value = sectionAvailable(name, (m) => env.moduleLoaded(m))
      break
    default:
      return { error: `<${section}> is not a conditional section` }
  }
  return { value: negate ? !value : value }
}

export function isConditionalSection(name: string): boolean {
  return ['ifdefine', 'ifmodule', 'iffile', 'ifversion', 'ifdirective', 'ifsection'].includes(name.toLowerCase())
}

/**
 * mod_version: `<IfVersion [[!]op] version>` with op `=`/`==`, `>`, `>=`, `<`, `<=`, or a
 * regular expression as `~ re` or `/re/`. Missing version parts count as 0, so
 * `= 2.4` is false on 2.4.63 while `>= 2.4` is true, as in httpd.
 */
function ifVersion(args: string[]): ConditionResult {
  let op = '='
  let version: string | undefined
  if (args.length >= 2) {
    op = args[0]
    version = args[1]
  } else if (args.length === 1) {
    const m = /^(!?(?:==|=|>=|<=|>|<|~))(.+)$/.exec(args[0])
    if (m) {
      op = m[1]
      version = m[2]
    } else version = args[0]
  }
  if (!version) return { error: '<IfVersion> needs a version' }
  const negate = op.startsWith('!')
  if (negate) op = op.slice(1)
  let value: boolean
  if (op === '~' || (version.length > 1 && version.startsWith('/') && version.endsWith('/'))) {
    const source = op === '~' ? version : version.slice(1, -1)
    try {
      value = new RegExp(source).test(APACHE_VERSION)
    } catch {
      return { error: `<IfVersion> has an invalid regular expression '${source}'` }
    }
  } else {
    if (!/^\d+(\.\d+){0,2}$/.test(version)) return { error: `<IfVersion> cannot read the version '${version}'` }
    const cmp = compareVersions(APACHE_VERSION, version)
    switch (op) {
      case '=':
      case '==':
        value = cmp === 0
        break
      case '>':
        value = cmp > 0
        break
      case '>=':
        value = cmp >= 0
        break
      case '<':
        value = cmp < 0
        break
      case '<=':
        value = cmp <= 0
        break
      default:
        return { error: `<IfVersion> has an unknown operator '${op}'` }
    }
  }
  return { value: negate ? !value : value }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}
