// The floor for any proxy built on Node and undici: node:http in front, one undici Pool behind
// (keep-alive), request headers copied without the hop-by-hop ones, the answer streamed back
// with `pool.stream`. No routing, no filter, no trace. The workbench measured against it shows
// what its pipeline costs on top of the platform it is built on.
import http from 'node:http'
import { Pool } from 'undici'

const upstream = process.env.UPSTREAM
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host'
])
const pool = new Pool(upstream)

function withoutHop(headers) {
  const out = {}
  for (const name in headers) if (!HOP.has(name)) out[name] = headers[name]
  return out
}

const server = http.createServer((req, res) => {
  pool.stream(
    {
      path: req.url,
      method: req.method,
      headers: withoutHop(req.headers),
      body: req.method === 'GET' || req.method === 'HEAD' ? null : req
    },
    ({ statusCode, headers }) => {
      res.writeHead(statusCode, withoutHop(headers))
      return res
    },
    (err) => {
      if (!err) return
      if (!res.headersSent) res.writeHead(502).end()
      else res.destroy(err)
    }
  )
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`Bare undici proxy: http://127.0.0.1:${server.address().port}`)
})
