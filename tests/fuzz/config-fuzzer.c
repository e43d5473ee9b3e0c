/*
 * config-fuzzer.c: config_parse over arbitrary text. A config it accepts
 * must hold what the rest of hearth assumes: ports in range, at most 16
 * listen addresses, TLS files set together, a non-empty data_dir.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 c;
	char		*cause = NULL;
	size_t		 i;

	config_defaults(&c);
	if (config_parse(&c, "fuzz.conf", (const char *)data, size,
	    &cause) == 0) {
		if (cause != NULL || c.nlisten > 16 || c.data_dir == NULL ||
		    *c.data_dir == '\0' ||
		    (c.tls_cert == NULL) != (c.tls_key == NULL))
			abort();
		for (i = 0; i < c.nlisten; i++) {
			if (c.listen[i].host == NULL || c.listen[i].port < 1 ||
			    c.listen[i].port > 65535 ||
			    (c.listen[i].tls && c.tls_cert == NULL))
				abort();
		}
		if (strncmp(c.base_url, "http://", 7) != 0 &&
		    strncmp(c.base_url, "https://", 8) != 0)
			abort();
		if (c.threads < 0 || c.threads > 256 || c.session_idle < 1 ||
		    c.request_timeout < 1 || c.request_timeout > 3600)
			abort();
	} else if (cause == NULL || strncmp(cause, "fuzz.conf", 9) != 0)
		abort();	/* every error names the file */
	free(cause);
	config_free(&c);
	return 0;
}
