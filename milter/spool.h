/*
 * NAME
 *	spool - the private copy of one message while it arrives
 * DESCRIPTION
 *	Each message is written to an anonymous memory file while it is no
 *	larger than the memory allowance, and from then on to an unlinked
 *	file in the spool directory (O_TMPFILE, or mkstemp + unlink where
 *	the file system lacks it). Either way it vanishes when the
 *	descriptor closes, whatever happens to the process, and memory use
 *	is bounded by the allowance, never by the message. The header block is rebuilt from
 *	the milter callbacks ("Name: value" with CRLF line ends); body
 *	chunks are appended as received, so the result does not depend on
 *	how the MTA cut the body. The size cap is enforced while writing:
 *	past it nothing more is written and spool_over() is true.
 *	Bare CR and NUL bytes in the body are counted across chunk
 *	boundaries as findings for the log.
 */
#ifndef MUGAI_SPOOL_H
#define MUGAI_SPOOL_H

#include <stddef.h>

#define SPOOL_PREFIX	"mugai-spool-"	/* names of not yet unlinked files */
#define SPOOL_SCANTEMP	"-scantemp."	/* in the names of libclamav's scan directories */

typedef struct spool {
    int		fd;		/* -1 when closed */
    const char *dir;		/* spool directory (not owned) */
    size_t	max;		/* cap on bytes written */
    size_t	mem_max;	/* bytes the memory file may hold */
    int		in_memory;	/* fd is the memory file */
    size_t	bytes;		/* written (or buffered) so far */
    size_t	body_bytes;
    int		over;		/* the cap was reached */
    int		error;		/* errno of the first I/O failure, or 0 */
    unsigned	headers;	/* header fields written */
    unsigned	bare_cr;	/* CR not followed by LF in the body */
    unsigned	nul;		/* NUL bytes in the body */
    int		last_cr;	/* the last body byte was CR */
    size_t	buffered;	/* bytes in buf not yet written */
    char	buf[16384];
} spool;

/* spool_init - a closed spool (fd -1); safe to spool_close */
void spool_init(spool *s);

/*
 * spool_open - start a spool with a cap of max bytes: in memory while it
 *	holds at most mem_max bytes (0: never), then in an unlinked file
 *	in dir, which must stay valid until spool_close. Returns 0, or -1
 *	with errno set. Failing to move to dir later shows as an I/O error.
 */
int spool_open(spool *s, const char *dir, size_t max, size_t mem_max);

/*
 * spool_header - append "name: value" (or "name:value" when leadspc says
 *	the value keeps its own leading blank), each "\n" of a folded value
 *	written as CRLF. Returns 0, 1 when over the cap, -1 on I/O error.
 */
int spool_header(spool *s, const char *name, const char *value, int leadspc);

/* spool_end_headers - the empty line after the header block; as above */
int spool_end_headers(spool *s);

/* spool_body - append one body chunk as is; as above */
int spool_body(spool *s, const unsigned char *data, size_t len);

/*
 * spool_finish - flush and rewind: the descriptor is ready for reading
 *	from offset 0. Returns the descriptor (still owned by the spool),
 *	or -1 on I/O error.
 */
int spool_finish(spool *s);

/* spool_close - close (and so delete) the file; idempotent */
void spool_close(spool *s);

/*
 * spool_sweep - remove what a crash left in dir: files named
 *	SPOOL_PREFIX* (between mkstemp and unlink), and the directories
 *	libclamav makes for each scan ("*-scantemp.*"), with their
 *	contents, when they belong to this process's user (a temp_dir is
 *	private to one mugai-milter). Links are removed, never followed.
 *	Returns how many entries went, or -1 if dir cannot be read.
 */
int spool_sweep(const char *dir);

#endif
