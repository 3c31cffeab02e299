/**
 * The variables a configuration is evaluated with, as the runtime would provide them.
 *
 * AEMaaCS: the SDK's `docker_run` passes AEM_HOST/AEM_PORT and ENVIRONMENT_TYPE, and its
 * entrypoint derives DOCROOT, AEM_IP and the log levels (dispatcher-behavior.md §11.3).
 * AMS: `/etc/sysconfig/httpd` sets the *_IP/*_PORT/*_DOCROOT variables; the corpus does
 * not contain it, so we supply local-development values an AMS developer would use
 * (author on 4502, publish on 4503, everything on this machine).
 */
import { VariableScope } from '../variables'

export type RunMode = 'dev' | 'stage' | 'prod'

export interface RuntimeOptions {
  /** Process environment to read (`process.env` by default in the CLI; tests pass their own). */
  env?: Record<string, string | undefined>
  /** `DISP_RUN_MODE` of the SDK; defines ENVIRONMENT_DEV/STAGE/PROD. Default `dev`. */
  runMode?: RunMode
  /** `host:port` of the AEM render, as the second argument of `docker_run.sh`. */
  aem?: { host: string; port: number }
  /** Cache docroot (DOCROOT / *_DOCROOT). */
  docroot?: string
}

/** The SDK's run mode: `--run-mode`, else `DISP_RUN_MODE` from the environment, else `dev`. */
export function runModeOf(opts: RuntimeOptions): RunMode {
  return opts.runMode ?? (opts.env?.DISP_RUN_MODE as RunMode | undefined) ?? 'dev'
}

export function sdkEnvironment(opts: RuntimeOptions): Record<string, string> {
  const runMode = runModeOf(opts)
  const base: Record<string, string> = {
    AEM_HOST: 'localhost',
    AEM_PORT: '4503',
    AEM_IP: '127.0.0.1',
    DOCROOT: opts.docroot ?? '/mnt/var/www/html',
    ENVIRONMENT_TYPE: runMode,
    DISP_LOG_LEVEL: 'warn',
    REWRITE_LOG_LEVEL: 'warn',
    EXPIRATION_TIME: '300',
    FORWARDED_HOST_SETTING: 'Off',
    POD_NAME: 'dispatcher-workbench',
    HOST_OS: process.platform,
    APACHE_RUN_DIR: '/var/run/httpd'
  }
  const env = withOverrides(base, opts, ['DOCROOT'], [['AEM_HOST', 'AEM_PORT']])
  // An explicit run mode is an explicit option: it wins over an ENVIRONMENT_TYPE inherited from the shell.
  if (opts.runMode) env.ENVIRONMENT_TYPE = opts.runMode
  return env
}

export function amsEnvironment(opts: RuntimeOptions): Record<string, string> {
  const docroot = opts.docroot ?? '/mnt/var/www'
  const base: Record<string, string> = {
    AUTHOR_IP: '127.0.0.1',
    AUTHOR_PORT: '4502',
    PUBLISH_IP: '127.0.0.1',
    PUBLISH_PORT: '4503',
    LIVECYCLE_IP: '127.0.0.1',
    LIVECYCLE_PORT: '8080',
    AUTHOR_DEFAULT_HOSTNAME: 'author.localhost',
    PUBLISH_DEFAULT_HOSTNAME: 'localhost',
    LIVECYCLE_DEFAULT_HOSTNAME: 'lc.localhost',
    AUTHOR_DOCROOT: `${docroot}/author`,
    PUBLISH_DOCROOT: `${docroot}/html`,
    LIVECYCLE_DOCROOT: `${docroot}/lc`,
    DISP_LOG_LEVEL: 'warn',
    REWRITE_LOG_LEVEL: 'warn',
    DISP_ID: 'dispatcher-workbench',
    CRX_FILTER: 'deny',
    AUTHOR_FORCE_SSL: '0',
    PUBLISH_FORCE_SSL: '0',
    AUTHOR_WHITELIST_ENABLED: '0',
    PUBLISH_WHITELIST_ENABLED: '0',
    ENV_TYPE: 'dev',
    RUNMODE: 'dev'
  }
  return withOverrides(
    base,
    opts,
    ['AUTHOR_DOCROOT', 'PUBLISH_DOCROOT', 'LIVECYCLE_DOCROOT'],
    // A plain dispatcher.any often names its render `${AEM_HOST}`/`${AEM_PORT}` as the SDK does.
    [
      ['PUBLISH_IP', 'PUBLISH_PORT'],
      ['AEM_HOST', 'AEM_PORT']
    ]
  )
}

/** Precedence: our defaults < the process environment < explicit options (`--aem`, `--docroot`). */
function withOverrides(
  base: Record<string, string>,
  opts: RuntimeOptions,
  docrootVars: string[],
  aemVars: [string, string][]
): Record<string, string> {
  const out: Record<string, string> = { ...base }
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) out[k] = v
  if (opts.docroot) for (const k of docrootVars) out[k] = docrootVars.length === 1 ? opts.docroot : base[k]
  if (opts.aem)
    for (const [host, port] of aemVars) {
      out[host] = opts.aem.host
      out[port] = String(opts.aem.port)
    }
  return out
}

/** `docker_run` starts httpd with `-D ENVIRONMENT_<TYPE>` (§1.4, §11.3). */
export function sdkScope(env: Record<string, string>): VariableScope {
  const scope = new VariableScope(env)
  const type = (env.ENVIRONMENT_TYPE ?? 'dev').toUpperCase()
  scope.define(`ENVIRONMENT_${type}`)
  return scope
}
