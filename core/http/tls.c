/*
 * tls.c: the OpenSSL context for HTTPS listeners, for sites that serve hearth
 * without a reverse proxy. TLS 1.2 and up only, with OpenSSL's default
 * (secure) cipher choice.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "request.h"

/* Append OpenSSL's last error to a message. */
static char *
tls_error(const char *what, const char *path)
{
	char	buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
	return xasprintf("%s %s: %s", what, path, buf);
}

/* Build a server context from PEM files; NULL with *cause. */
SSL_CTX *
tls_context(const char *cert, const char *key, char **cause)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		*cause = tls_error("TLS", "context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		*cause = tls_error("tls_cert", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		*cause = tls_error("tls_key", key);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		*cause = xasprintf("tls_key %s does not match tls_cert %s", key,
		    cert);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}
