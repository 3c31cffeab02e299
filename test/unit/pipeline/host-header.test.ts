/**
 * The Host values httpd 2.4.71 refuses with 400 and those it reads, as apache2 answered them
 * (HttpProtocolOptions Strict, its default).
 */
import { describe, expect, it } from 'vitest'
import { hostProblem } from '../../../src/main/engine/pipeline/host-header'

const REFUSED = [
  '123',
  'a..b',
  'a:',
  'a:0',
  'a:65536',
  'a.1b',
  '1.2.3',
  '01.2.3.4',
  'a%20b',
  'a b',
  'a,b',
  '[::1',
  '[fe80::1%25eth0]',
  'é.com',
  '.',
  'a.-b',
  'a..:80',
  'x:80:90',
  'a:+80',
  ':80',
  'a/b',
  'a\\b'
]
const READ = [
  'a_b',
  'a:80',
  '-a',
  'a.b1',
  '1.2.3.4',
  '[::1]',
  '[::1]:80',
  'A.B.',
  'a.',
  '.a',
  'a.b.:80',
  'localhost:8080',
  'a.b.',
  'a:080',
  'publish.example.com'
]

describe('the Host header as httpd reads it (fix_hostname, strict)', () => {
  it.each(REFUSED)('refuses %j', (host) => expect(hostProblem(host)).not.toBeNull())
  it.each(READ)('reads %j', (host) => expect(hostProblem(host)).toBeNull())
})
