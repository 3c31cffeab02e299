import type { ApacheRequest, FileInfo, FileProbe } from '../../../src/main/engine/apache-expr'

/** A GET request as Apache sees it, with overrides. Header names in lower case. */
export function request(overrides: Partial<ApacheRequest> = {}): ApacheRequest {
  const uri = overrides.uri ?? '/content/site/en.html'
  const query = overrides.query ?? ''
  const method = overrides.method ?? 'GET'
  return {
    method,
    uri,
    query,
    protocol: 'HTTP/1.1',
    theRequest: `${method} ${uri}${query ? `?${query}` : ''} HTTP/1.1`,
    headers: { host: 'publish.example.com' },
    remoteAddr: '203.0.113.7',
    remotePort: 54321,
    serverAddr: '127.0.0.1',
    serverPort: 80,
    https: false,
    serverName: 'publish.example.com',
    documentRoot: '/mnt/var/www/html',
    ...overrides
  }
}

/** A file probe over a fixed tree: path → kind (and size for files). */
export function probe(tree: Record<string, 'dir' | number>, symlinks: string[] = []): FileProbe {
  return {
    stat(path: string): FileInfo | null {
      const entry = tree[path]
      if (entry === undefined) return null
      return {
        kind: entry === 'dir' ? 'dir' : 'file',
        size: entry === 'dir' ? 4096 : entry,
        symlink: symlinks.includes(path),
        executable: false
      }
    },
    readFile(path: string): string | null {
      return typeof tree[path] === 'number' ? `contents of ${path}` : null
    }
  }
}
