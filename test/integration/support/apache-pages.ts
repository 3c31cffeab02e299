/**
 * The bodies Apache httpd 2.4 generates itself, written out here independently of the
 * engine so the tests compare against the real thing rather than against the engine's copy.
 */
export const APACHE_HTML = 'text/html; charset=iso-8859-1'

export const APACHE_404 =
  '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n' +
  '<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n' +
  '<p>The requested URL was not found on this server.</p>\n</body></html>\n'
