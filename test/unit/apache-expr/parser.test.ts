import { describe, expect, it } from 'vitest'
import { exprDiagnostic, ExprError, parseExpr, parseStringExpr } from '../../../src/main/engine/apache-expr'

function errorOf(source: string): ExprError {
  try {
    parseExpr(source)
  } catch (e) {
    if (e instanceof ExprError) return e
    throw e
  }
  throw new Error(`expected ${source} to fail`)
}

describe('ap_expr parser', () => {
  it('"!" binds tighter than "&&", and "&&" tighter than "||"', () => {
    const ast = parseExpr("! -z 'a' && 'x' == 'y' || true")
    expect(ast.root).toMatchObject({
      type: 'or',
      left: { type: 'and', left: { type: 'not', arg: { type: 'unary', op: 'z' } }, right: { type: 'compare' } },
      right: { type: 'true' }
    })
  })

  it('"and", "or" and "not" are the same operators as "&&", "||" and "!"', () => {
    expect(parseExpr("not -n '' and true or false").root).toMatchObject({ type: 'or', left: { type: 'and' } })
  })

  it('a parenthesised condition can be negated; a parenthesised word is a syntax error in 2.4 (apache2 2.4.71 refuses it)', () => {
    expect(parseExpr("!('a' == 'b')").root).toMatchObject({ type: 'not', arg: { type: 'compare', op: '==' } })
    expect(errorOf("('a' . 'b') == 'ab'").message).toContain('unexpected ")"')
    expect(errorOf("('a') == 'a'").message).toContain('unexpected ")"')
  })

  it('an expanded Define such as "${PUBLISH_FORCE_SSL} == 1" becomes a comparison of two numbers', () => {
    expect(parseExpr('1 == 1').root).toEqual({
      type: 'compare',
      op: '==',
      left: { type: 'digits', value: '1' },
      right: { type: 'digits', value: '1' }
    })
  })

  it('an undefined Define left as "${NAME}" is a syntax error, as Apache refuses to start', () => {
    expect(errorOf('${PUBLISH_FORCE_SSL} == 1')).toMatchObject({ code: 'EXPR_SYNTAX', column: 1 })
  })

  it('%{func:arg} is a function call, so %{HTTP:X-Forwarded-For} and %{resp:X} work without quotes', () => {
    expect(parseExpr("%{HTTP:X-Forwarded-For} == ''").root).toMatchObject({
      left: { type: 'call', name: 'http', arg: { type: 'literal', value: 'X-Forwarded-For' } }
    })
    expect(parseExpr("%{resp:X-Frame-Options}!='SAMEORIGIN'").root).toMatchObject({
      type: 'compare',
      op: '!=',
      left: { type: 'call', name: 'resp' }
    })
  })

  it('strings interpolate %{VAR} and $N; the other quote character is literal', () => {
    expect(parseExpr(`'https://%{HTTP_HOST}*"' == ''`).root).toMatchObject({
      left: {
        type: 'string',
        parts: [
          { type: 'literal', value: 'https://' },
          { type: 'var', name: 'HTTP_HOST' },
          { type: 'literal', value: '*"' }
        ]
      }
    })
  })

  it('regexes may use / or m<delimiter>, and the delimiter cannot be escaped', () => {
    expect(parseExpr('%{HTTP_HOST} =~ m#(.*)\\.com$#').root).toMatchObject({
      type: 'match',
      regex: { source: '(.*)\\.com$', groups: 1 }
    })
    expect(parseExpr("'A' =~ /a/i").root).toMatchObject({ regex: { flags: 'i' } })
  })

  it("2.4's scanner: one regex flag (i), octal escapes only, control characters allowed (as apache2 2.4.71)", () => {
    expect(errorOf("'a' =~ /x/s").message).toContain('syntax error, unexpected T_ID')
    expect(errorOf("'a' =~ /x/ii").message).toContain('syntax error, unexpected T_ID')
    expect(() => parseExpr("'A' =~ /a/i")).not.toThrow()
    expect(errorOf("'\\0137' == 'x'").message).toContain('Bad escape sequence')
    expect(errorOf("'\\8' == 'x'").message).toContain('Bad escape sequence')
    expect(errorOf("'\\400' == 'x'").message).toContain('Escape sequence out of bound')
  })

  it('variable, function and operator names are checked while parsing, like Apache does', () => {
    expect(errorOf("%{NO_SUCH_VAR} == ''")).toMatchObject({
      code: 'EXPR_SYNTAX',
      message: "Variable 'NO_SUCH_VAR' does not exist"
    })
    expect(errorOf("nosuch('x') == ''")).toMatchObject({ message: "Function 'nosuch' does not exist" })
    expect(errorOf("'a' -nosuch 'b'")).toMatchObject({ message: "Binary operator '-nosuch' does not exist" })
    expect(errorOf("-Q 'a'")).toMatchObject({ message: "Unary operator '-Q' does not exist" })
  })

  it('names are case-insensitive except unary operators', () => {
    expect(parseExpr("%{http_host} == '' && REQ('Host') == ''").root).toMatchObject({ type: 'and' })
  })

  it('operators that need a sub-request are reported as unsupported, not guessed', () => {
    expect(errorOf("-U '/index.html'")).toMatchObject({ code: 'EXPR_UNSUPPORTED' })
  })

  it('-ipmatch and -R need a constant subnet', () => {
    expect(parseExpr("%{REMOTE_ADDR} -ipmatch '10.0.0.0/8'").root).toMatchObject({ subnet: { prefix: 8 } })
    expect(errorOf('%{REMOTE_ADDR} -ipmatch %{SERVER_NAME}')).toMatchObject({
      message: '-ipmatch requires subnet/netmask as constant argument'
    })
  })

  it('errors point at the column where parsing failed', () => {
    expect(errorOf("'a' == ")).toMatchObject({ code: 'EXPR_SYNTAX', column: 8 })
    expect(errorOf("'a' == 'b")).toMatchObject({ message: 'Unterminated string' })
    expect(errorOf("'a' 'b'")).toMatchObject({ column: 5 })
  })

  it('a string expression is literal text with %{VAR} interpolation, quotes included', () => {
    expect(parseStringExpr('%{REMOTE_ADDR}').root).toEqual({ type: 'var', name: 'REMOTE_ADDR' })
    expect(parseStringExpr(`"x" %{REMOTE_ADDR}`).root).toMatchObject({ type: 'string', parts: [{ value: '"x" ' }, {}] })
  })
})

describe('expression diagnostics', () => {
  it('a syntax error becomes an error diagnostic, an unsupported feature a warning', () => {
    const pos = { file: '/conf.d/a.vhost', line: 3, column: 1 }
    expect(exprDiagnostic(errorOf("%{NOPE} == ''"), pos, '<If>')).toEqual({
      severity: 'error',
      code: 'EXPR_SYNTAX',
      category: 'model',
      message: "<If>: Variable 'NOPE' does not exist (column 1)",
      pos
    })
    expect(exprDiagnostic(errorOf("-A '/x'"), pos, '<If>')).toMatchObject({
      severity: 'warning',
      code: 'EXPR_UNSUPPORTED'
    })
  })
})
