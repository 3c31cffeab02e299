/**
 * Reason phrases httpd writes where Node's table (and newer RFCs) word them differently. The
 * proxy's status lines and the UI's HAR export both use them, so they read as the SDK's do.
 */
export const HTTPD_REASON_PHRASES: Readonly<Record<number, string>> = {
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  416: 'Requested Range Not Satisfiable'
}
