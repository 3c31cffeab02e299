/**
 * An HTTPS server on 127.0.0.1 with a fresh self-signed certificate (made with openssl), as a
 * local AEM or a mocked commerce backend has one; closed when the test finishes.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import https from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { onTestFinished } from 'vitest'

export async function selfSignedServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-tls-'))
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')]
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1'
    ],
    { stdio: 'ignore' }
  )
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(async () => {
    await new Promise((resolve) => server.close(resolve))
    fs.rmSync(dir, { recursive: true, force: true })
  })
  return (server.address() as AddressInfo).port
}
