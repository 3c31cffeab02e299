import { describe, expect, it } from 'vitest'
import { errorCode, isParserError } from '../../../src/main/engine/http/error-code'

describe('errorCode', () => {
  it("reads an error's code, '' without one", () => {
    expect(errorCode(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET')
    expect(errorCode(new Error('x'))).toBe('')
    expect(errorCode(null)).toBe('')
    expect(isParserError(Object.assign(new Error('x'), { code: 'HPE_INVALID_CONSTANT' }))).toBe(true)
    expect(isParserError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(false)
  })
})
