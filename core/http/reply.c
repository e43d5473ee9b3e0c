/*
 * reply.c: the small facts an answer on the wire needs: the reason
 * phrase of each status, the Date, and whether a header value is safe to
 * send (a CR or LF in one would let its author write headers of their own).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http.h"

static const struct {
	int		 status;
	const char	*reason;
} reasons[] = {
	{ 100, "Continue" }, { 101, "Switching Protocols" },
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
	{ 204, "No Content" }, { 206, "Partial Content" },
	{ 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
	{ 304, "Not Modified" }, { 307, "Temporary Redirect" },
	{ 308, "Permanent Redirect" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
	{ 404, "Not Found" }, { 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" }, { 408, "Request Timeout" },
	{ 409, "Conflict" }, { 410, "Gone" }, { 411, "Length Required" },
	{ 413, "Content Too Large" }, { 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 417, "Expectation Failed" },
	{ 422, "Unprocessable Content" }, { 426, "Upgrade Required" },
	{ 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" }, { 505, "HTTP Version Not Supported" },
	{ 507, "Insufficient Storage" },
};

/* The reason phrase for a status. */
const char *
http_reason(int status)
{
	size_t	i;

	for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
		if (reasons[i].status == status)
			return reasons[i].reason;
	}
	return status < 400 ? "OK" : status < 500 ? "Bad Request" : "Error";
}

/* The Date header's value for now, made once a second per thread. */
void
http_date(char out[40])
{
	static __thread time_t	last;
	static __thread char	text[40];
	time_t			now = time(NULL);
	struct tm		tm;

	if (now != last) {
		gmtime_r(&now, &tm);
		strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
		last = now;
	}
	memcpy(out, text, sizeof text);
}

/* Whether a header value may be sent: no CR, LF or NUL in it. */
int
http_value_ok(const char *v)
{
	return v[strcspn(v, "\r\n")] == '\0';
}
