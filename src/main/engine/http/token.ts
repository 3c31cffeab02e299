/**
 * An RFC 9110 token (tchar+): what a method and a header field name must be. httpd's scanner
 * (ap_scan_http_token), llhttp and Node's header checks (validateHeaderName) all take this set.
 */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * A control character other than a tab, or DEL: what no header field value may hold
 * (ap_scan_http_field_content), whether httpd reads it in a request or checks it going out.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
export const FIELD_VALUE_CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/
