/**
 * An RFC 9110 token (tchar+): what a method and a header field name must be. httpd's scanner
 * (ap_scan_http_token), llhttp and Node's header checks (validateHeaderName) all take this set.
 */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
