/**
 * An interim answer's head as ap_send_interim_response writes it (http_protocol.c, httpd
 * 2.4.68): `HTTP/1.1`, the status line mod_proxy_http kept (the code and the backend's reason
 * phrase, an empty one leaving the space), each line of r->headers_out, and the blank line.
 */
import type { InterimAnswer } from '../pipeline/context'

export function interimHead(answer: InterimAnswer): string {
  let head = `HTTP/1.1 ${answer.status} ${answer.reason}\r\n`
  for (const [name, value] of answer.lines) head += `${name}: ${value}\r\n`
  return `${head}\r\n`
}
