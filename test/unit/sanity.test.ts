import { describe, expect, it } from 'vitest'
import { VariableScope } from '../../src/main/engine/config/variables'
describe('VariableScope', () => {
  it('a Define wins over the environment, and an undefined ${NAME} stays literal', () => {
    const s = new VariableScope({ A: 'env', B: 'b' })
    s.define('A', 'def')
    expect(s.substitute('${A}-${B}-${C}')).toEqual({ value: 'def-b-${C}', undefinedNames: ['C'] })
  })
})
