/*
 * reaction-set.c: the emoji the company offers as reactions (the reactions
 * key of hearth.conf, checked by config.c), set once before the loops run
 * and read without a lock after; and the reader's reactions on a post as a
 * bit per offered emoji, for the keys of cached cards (peek.c, card.c).
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"

static char	*offered[CONFIG_REACTIONS_MAX];
static size_t	 noffered;

/* Set the offered emoji from the config's value (before the loops run). */
void
reaction_config(const char *set)
{
	const char	*s = set;
	size_t		 l;

	reaction_config_free();
	while (s != NULL && *s != '\0' && noffered < CONFIG_REACTIONS_MAX) {
		while (*s == ' ' || *s == '\t')
			s++;
		for (l = 0; s[l] != '\0' && s[l] != ' ' && s[l] != '\t'; l++)
			;
		if (l == 0)
			break;
		offered[noffered++] = xstrndup(s, l);
		s += l;
	}
}

/* Forget the offered emoji. */
void
reaction_config_free(void)
{
	while (noffered > 0)
		free(offered[--noffered]);
}

/* How many emoji are offered. */
size_t
reaction_offered(void)
{
	return noffered;
}

/* The i-th offered emoji. */
const char *
reaction_emoji(size_t i)
{
	return i < noffered ? offered[i] : NULL;
}

/* The place of an emoji in the offered set, or -1. */
int
reaction_index(const char *emoji)
{
	size_t	i;

	for (i = 0; emoji != NULL && i < noffered; i++) {
		if (strcmp(offered[i], emoji) == 0)
			return (int)i;
	}
	return -1;
}

/* A bit for each offered emoji in a space-separated list (NULL: none). */
uint32_t
reaction_mask(const char *list)
{
	char		 tok[64];
	uint32_t	 m = 0;
	size_t		 l;
	int		 i;

	while (list != NULL && *list != '\0') {
		while (*list == ' ')
			list++;
		for (l = 0; list[l] != '\0' && list[l] != ' '; l++)
			;
		if (l > 0 && l < sizeof tok) {
			memcpy(tok, list, l);
			tok[l] = '\0';
			if ((i = reaction_index(tok)) >= 0)
				m |= 1U << i;
		}
		list += l;
	}
	return m;
}
