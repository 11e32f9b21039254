/*
 * NAME
 *	frame - find where the top-level header block really ends
 * DESCRIPTION
 *	Mail from files, old tools and hostile senders does not always start
 *	with a header field and end its header block with an empty line: a
 *	UTF-8 byte order mark, an mbox "From " separator line, a line that is
 *	not a field (the body begins there, as Postfix reads it), a field
 *	name folded away from its colon ("From\n : <x@y>"). GMime would skip
 *	such lines and read the whole body as headers, so the text would be
 *	lost. frame reads the header block once, checks its size and field
 *	count, and when it needs repair gives a corrected copy of it and the
 *	offset where the body starts.
 */
#ifndef MUGAI_FRAME_H
#define MUGAI_FRAME_H

#include <stddef.h>
#include <sys/types.h>

typedef enum {
    FRAME_OK = 0,
    FRAME_READ_ERROR,		/* errno tells */
    FRAME_OUT_OF_MEMORY,
    FRAME_TOO_LARGE,		/* no end of the header block within max_size */
    FRAME_TOO_MANY_FIELDS	/* more than max_fields fields */
} frame_status;

typedef struct frame {
    int		bom;		/* a UTF-8 byte order mark was skipped */
    int		mbox;		/* an mbox "From " line was skipped */
    int		unterminated;	/* a non-field line ended the header block */
    int		folded_name;	/* a field name folded from its colon was joined */
    char	*head;		/* repaired header block with its empty line, or NULL */
    size_t	head_len;
    off_t	body;		/* offset in the input where the body starts */
} frame;

/*
 * frame_read - read the header block of the message on fd (from offset 0)
 * into *f. f->head is NULL when the message needs no repair; otherwise the
 * message to parse is f->head followed by the input from f->body.
 */
frame_status frame_read(int fd, size_t max_size, size_t max_fields, frame *f);

/* frame_free - release f->head */
void frame_free(frame *f);

#endif
