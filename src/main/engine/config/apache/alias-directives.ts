/**
 * mod_alias's redirect directives into the model, read as add_redirect_internal reads them:
 * an optional status (`permanent`, `temp`, `seeother`, `gone` or a number), then a URL-path
 * and a URL. Inside a section, a status and one more word (or one word that is no status) is the
 * target of every request the section covers (an ap_expr string), and `Redirect gone` alone
 * answers 410 for all of them; httpd 2.4.71 reads those forms only there.
 */
import type { DiagnosticSink } from '../../../../shared/diagnostics'
import type { AliasRedirect } from '../../../../shared/config-model'
import type { EvaluatedDirective } from './settings'

export const APACHE_REDIRECT_SYNTAX = 'APACHE_REDIRECT_SYNTAX'

/** Argument counts httpd's command table allows (TAKE123, TAKE23, TAKE2). */
const ARITY: Record<string, [number, number, string]> = {
  Redirect: [
    1,
    3,
    'one, two or three arguments, an optional status, then document to be redirected and destination URL'
  ],
  RedirectMatch: [2, 3, 'two or three arguments, an optional status, then a regular expression and destination URL'],
  RedirectPermanent: [2, 2, 'two arguments, a document to be redirected, then the destination URL'],
  RedirectTemp: [2, 2, 'two arguments, a document to be redirected, then the destination URL']
}

export function isRedirectDirective(name: string): boolean {
  return name in ARITY
}

const isRedirectStatus = (status: number): boolean => status >= 300 && status < 400

/** httpd's `ap_is_url`: a scheme (letters, digits, `+-.`) and a colon. */
export function isUrl(u: string): boolean {
  return /^[A-Za-z0-9+.-]+:/.test(u)
}

/** The redirect a directive configures, or null (and an error, as httpd refuses to start) when it is malformed. */
export function readRedirect(d: EvaluatedDirective, inSection: boolean, sink: DiagnosticSink): AliasRedirect | null {
  const [min, max, words] = ARITY[d.name]
  const fail = (message: string): null => {
    sink.error(APACHE_REDIRECT_SYNTAX, 'syntax', message, d.pos)
    return null
  }
  if (d.args.length < min || d.args.length > max) return fail(`${d.name} takes ${words}`)
  const regex = d.name === 'RedirectMatch'
  const [arg1, arg2, arg3] = d.args
  let status = d.name === 'RedirectPermanent' ? 301 : 302
  // httpd 2.4's grokarg1: 1 for a redirect status, -1 for `gone` or any other status (no URL
  // follows), 0 for no status at all.
  let grok: 1 | 0 | -1 = 1
  const keyword = arg1.toLowerCase()
  if (keyword === 'permanent') status = 301
  else if (keyword === 'temp') status = 302
  else if (keyword === 'seeother') status = 303
  else if (keyword === 'gone') status = 410
  else if (/^\d/.test(arg1)) status = parseInt(arg1, 10)
  else grok = 0
  if (grok === 1 && !isRedirectStatus(status)) grok = -1
  if (arg3 !== undefined && grok === 0) return fail('Redirect: invalid first argument (of three)')
  const base = { directive: d.name, regex, status, pos: d.pos }
  if (inSection) {
    // A redirect status and a URL, or a URL alone: the target of every request the section covers.
    if (grok === 1 && arg2 !== undefined && arg3 === undefined) return { ...base, kind: 'expr', to: arg2 }
    if (grok === -1 && arg2 === undefined) return { ...base, kind: 'expr' }
    if (grok === 0 && arg2 === undefined) return { ...base, kind: 'expr', to: arg1 }
  }
  const from = arg3 === undefined && grok === 0 ? arg1 : arg2
  const to = arg3 === undefined && grok === 0 ? arg2 : arg3
  if (isRedirectStatus(status)) {
    if (to === undefined) return fail('URL to redirect to is missing')
    if (!regex && !isUrl(to) && !to.startsWith('/')) return fail('Redirect to non-URL')
  } else if (to !== undefined) return fail('Redirect URL not valid for this status')
  return { ...base, kind: 'list', from, to }
}
