// The upstream ("AEM publish") for proxy benchmarks, run as its own process so it never shares
// an event loop with a proxy under test. Every request gets the same uncacheable 200: both
// `Cache-Control: no-cache` and `Dispatcher: no-cache` keep a Dispatcher from caching it
// (dispatcher-behavior.md §5). It counts requests and TCP connections so that a benchmark can
// check that a proxy really reuses its upstream connections.
import http from 'node:http'

const bodyBytes = Number(process.env.BODY_BYTES ?? 2048)
const line = 'Dispatcher Workbench benchmark body, uncacheable on purpose.\n'
const body = Buffer.from(line.repeat(Math.ceil(bodyBytes / line.length)).slice(0, bodyBytes))
const headers = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Length': String(body.length),
  'Cache-Control': 'no-cache',
  Dispatcher: 'no-cache'
}

let requests = 0
let connections = 0
const server = http.createServer((req, res) => {
  requests++
  req.resume()
  res.writeHead(200, headers)
  res.end(body)
})
server.on('connection', () => connections++)
// Longer than any proxy's idle pool timeout, so an idle pooled connection is never closed by
// this side while a proxy is about to reuse it (which would show up as spurious 502s).
server.keepAliveTimeout = 120_000
server.headersTimeout = 125_000
server.maxRequestsPerSocket = 0

process.on('message', (msg) => {
  if (msg === 'stats') process.send({ requests, connections })
})
process.on('disconnect', () => process.exit(0))

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`Upstream: http://127.0.0.1:${server.address().port}`)
})
