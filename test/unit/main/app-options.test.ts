import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { appOptions } from '../../../src/main/headless/app-options'

describe('the desktop app takes serve’s options (appOptions)', () => {
  it('reads the configuration, the render, the run mode and the fallback farm, leaving Chromium’s switches alone', () => {
    const o = appOptions([
      '.',
      'my/dispatcher/src',
      '--no-sandbox',
      '--aem',
      'localhost:4502',
      '--run-mode',
      'stage',
      '--fallback-farm',
      'first',
      '-p',
      '8081'
    ])
    expect(o.config).toBe(path.resolve('my/dispatcher/src'))
    expect(o.aem).toEqual({ host: 'localhost', port: 4502 })
    expect(o.runMode).toBe('stage')
    expect(o.fallbackFarm).toBe('first')
    expect(o.port).toBe(8081)
  })

  it('leaves out what was not given, so the first-run defaults apply', () => {
    const o = appOptions([])
    expect('config' in o || 'port' in o || 'host' in o || 'aem' in o).toBe(false)
  })

  it('refuses bad values with the CLI’s words', () => {
    expect(() => appOptions(['--run-mode', 'qa'])).toThrow('--run-mode expects dev, stage, prod, got "qa"')
    expect(() => appOptions(['--port', '70000'])).toThrow('--port expects 0-65535, got "70000"')
  })
})
