/** The variables a configuration is loaded with: the SDK's defaults < the shell's < explicit options. */
import { describe, expect, it } from 'vitest'
import { amsEnvironment, sdkEnvironment } from '../../../src/main/engine/config/loaders/environment'

describe('runtime variables', () => {
  it('--run-mode wins over an ENVIRONMENT_TYPE or DISP_RUN_MODE inherited from the shell', () => {
    expect(sdkEnvironment({ env: { ENVIRONMENT_TYPE: 'dev' }, runMode: 'prod' }).ENVIRONMENT_TYPE).toBe('prod')
    expect(sdkEnvironment({ env: { DISP_RUN_MODE: 'stage' }, runMode: 'prod' }).ENVIRONMENT_TYPE).toBe('prod')
    expect(sdkEnvironment({ env: { DISP_RUN_MODE: 'stage' } }).ENVIRONMENT_TYPE).toBe('stage')
    expect(sdkEnvironment({ env: { ENVIRONMENT_TYPE: 'stage' } }).ENVIRONMENT_TYPE).toBe('stage')
    expect(sdkEnvironment({}).ENVIRONMENT_TYPE).toBe('dev')
  })

  it('--aem names the render for both layouts: AEM_HOST/AEM_PORT, and PUBLISH_IP/PUBLISH_PORT for AMS', () => {
    const aem = { host: 'aem.local', port: 4503 }
    expect(sdkEnvironment({ aem, env: { AEM_HOST: 'shell' } })).toMatchObject({
      AEM_HOST: 'aem.local',
      AEM_PORT: '4503'
    })
    expect(amsEnvironment({ aem })).toMatchObject({
      AEM_HOST: 'aem.local',
      AEM_PORT: '4503',
      PUBLISH_IP: 'aem.local',
      PUBLISH_PORT: '4503'
    })
  })
})
