/**
 * The byte size at which httpd passes on what a handler wrote with ap_rputs/ap_rvputs
 * (APR_BUCKET_BUFF_SIZE, apr_brigade_write's buffer behind the OLD_WRITE filter). A page over
 * it reaches the content-length filter before its end, so that filter sets no Content-Length:
 * mod_autoindex's listings and ap_send_error_response's pages alike.
 */
export const WRITE_BUFFER = 8000
