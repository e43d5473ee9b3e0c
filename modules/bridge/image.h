/*
 * image.h: images from outside, decoded and written again (image.c).
 */
#ifndef BRIDGE_IMAGE_H
#define BRIDGE_IMAGE_H

#include <stddef.h>

struct image_encoded {
	void		*data;		/* malloc'ed */
	size_t		 len;
	const char	*type;		/* "image/jpeg", or "image/png" (alpha) */
	int		 width;
	int		 height;
};
int		 image_reencode(const void *, size_t, int,
		     struct image_encoded *, char **);
void		 image_encoded_free(struct image_encoded *);
void		 image_shutdown(void);

#endif
