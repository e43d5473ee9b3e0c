#include <stdlib.h>
#include <string.h>
#include "lib.h"
int jose_verify(const char *a, const char *b, const char *c, char **d, char **e){(void)a;(void)b;(void)c;(void)d;*e=strdup("stub");return -1;}
int jose_sign(const char *a, const char *b, const char *c, char **d, char **e){(void)a;(void)b;(void)c;(void)d;*e=strdup("stub");return -1;}
char *jose_random(size_t n){(void)n;return strdup("stubrandom");}
char *jose_pkce_challenge(const char *v){(void)v;return strdup("stubchallenge");}
int httpc_do(const struct httpc_req *q, struct httpc_resp *r, char **c){(void)q;(void)r;*c=strdup("stub");return -1;}
void httpc_resp_free(struct httpc_resp *r){free(r->body);free(r->content_type);free(r->cache_control);}
char *httpc_form_escape(const char *s){return strdup(s);}
