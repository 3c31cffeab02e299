/** Rows and traces as the engine sends them, with only what a test cares about spelled out. */
import type { TraceSummary } from '../../../src/shared/api'
import type { RequestTrace } from '../../../src/shared/trace'
import type { CacheEntryInfo, CacheFolderListing } from '../../../src/shared/cache-types'

export function row(seq: number, over: Partial<TraceSummary> = {}): TraceSummary {
  return {
    id: String(seq),
    seq,
    startedAt: 1_700_000_000_000 + seq,
    method: 'GET',
    host: 'localhost:8080',
    url: `/content/site/page-${seq}.html`,
    farm: 'publish',
    status: 200,
    outcome: 'miss-stored',
    rule: '0100',
    render: 'rend01',
    durationMs: 12,
    bytes: 2048,
    cacheInfo: null,
    ...over
  }
}

export function rows(from: number, to: number, over: Partial<TraceSummary> = {}): TraceSummary[] {
  const out: TraceSummary[] = []
  for (let s = from; s <= to; s++) out.push(row(s, over))
  return out
}

export function trace(over: Partial<RequestTrace> = {}): RequestTrace {
  return {
    id: '7',
    seq: 7,
    generation: 1,
    startedAt: Date.UTC(2025, 0, 2, 3, 4, 5, 678),
    durationMs: 40,
    request: {
      method: 'GET',
      url: '/content/site/en.html?q=a%20b&x',
      host: 'localhost:8080',
      protocol: 'HTTP/1.1',
      client: '127.0.0.1',
      secure: false,
      headers: { host: 'localhost:8080', 'user-agent': "curl's agent", cookie: 'a=1; b=2', connection: 'keep-alive' }
    },
    farm: 'publish',
    vhost: 'publish',
    forwarded: {
      render: 'rend01',
      origin: '127.0.0.1:4503',
      method: 'GET',
      url: '/content/site/en.html?q=a%20b&x',
      headers: {
        host: 'localhost:8080',
        'user-agent': "curl's agent",
        'x-forwarded-for': '127.0.0.1',
        via: '1.1 localhost:8080 (dispatcher)'
      }
    },
    response: {
      status: 200,
      headers: { 'content-type': 'text/html;charset=utf-8', 'set-cookie': 'x=1; Path=/\ny=2' },
      bytes: 1234
    },
    outcome: 'miss-uncacheable',
    stages: [
      { stage: 'accept', verdict: 'pass', summary: 'accepted /content/site/en.html', durationMs: 0.5 },
      {
        stage: 'filter',
        verdict: 'pass',
        summary: "Filter rule entry /0100 allowed 'GET /content/site/en.html HTTP/1.1'",
        durationMs: 0.5
      },
      {
        stage: 'render',
        verdict: 'pass',
        summary: 'render /rend01 answered 200',
        durationMs: 30,
        detail: {
          render: 'rend01',
          origin: '127.0.0.1:4503',
          attempts: [{ render: 'rend01', origin: '127.0.0.1:4503', result: 'HTTP 200', durationMs: 25 }],
          reason: 'first render of the farm',
          status: 200,
          timeToHeadersMs: 25
        }
      }
    ],
    warnings: [],
    ...over
  }
}

/** A fresh cached file under the root `.stat`. */
export function cacheFile(relPath: string): CacheEntryInfo {
  return {
    relPath,
    size: 10,
    cachedAt: 1,
    autoInvalidated: true,
    governingStat: '/.stat',
    statMtime: 0,
    ttlExpiresAt: null,
    state: 'fresh',
    storedHeaders: []
  }
}

/** One folder's listing as the engine sends it: its sub-folders and files by name. */
export function cacheListing(
  relDir: string,
  dirs: string[],
  files: string[],
  extra: Partial<CacheFolderListing> = {}
): CacheFolderListing {
  return {
    relDir,
    dirs: dirs.map((name) => ({ name, relPath: `${relDir === '/' ? '' : relDir}/${name}` })),
    files: files.map((f) => cacheFile(`${relDir === '/' ? '' : relDir}/${f}`)),
    statfile: null,
    totalFiles: files.length,
    offset: 0,
    limit: 200,
    missing: false,
    ...extra
  }
}
