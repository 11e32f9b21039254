/*
 * NAME
 *	shim_fake - a fake MTA behind milter/shim.h for the unit tests
 * DESCRIPTION
 *	Records every per-connection smfi_* call the milter makes: the
 *	private pointer, the replacement body (all pieces joined), every
 *	header edit in order, the reply and progress calls; it also notes
 *	a body piece sent after a header edit (which Postfix refuses).
 *	Failures can be injected per call kind. fake_headers_apply() plays
 *	the recorded header edits on an original header list the way
 *	Postfix does, so a test can compare the delivered header block
 *	with the engine's output.
 */
#ifndef MUGAI_SHIM_FAKE_H
#define MUGAI_SHIM_FAKE_H

#include <stddef.h>
#include <libmilter/mfapi.h>

typedef enum { FAKE_CHG, FAKE_ADD } fake_edit_kind;

typedef struct fake_edit {
    fake_edit_kind kind;
    char       *name;
    int		index;		/* FAKE_CHG: 1-based instance */
    char       *value;		/* NULL: delete */
} fake_edit;

typedef struct fake_mta {
    void       *priv;
    const char *queue_id;	/* value of macro "i", or NULL */
    unsigned char *body;	/* joined replacebody pieces */
    size_t	body_len;
    unsigned	body_calls;
    size_t	max_piece;	/* largest replacebody piece */
    fake_edit  *edits;
    size_t	nedits;
    int		interleaved;	/* a body piece after a header edit */
    char	rcode[8], xcode[16], text[1024];
    unsigned	replies;
    unsigned	progress;
    int		fail_body;	/* 1: replacebody fails */
    int		fail_chg;	/* 1: chgheader fails */
    int		fail_add;	/* 1: addheader fails */
} fake_mta;

extern fake_mta fake;

/* the SMFICTX handed to callbacks (never dereferenced) */
#define FAKE_CTX ((SMFICTX *)(void *)&fake)

/* fake_reset - forget everything recorded (keeps nothing) */
void fake_reset(void);

/* A header field list for fake_headers_apply. */
typedef struct fake_field {
    char       *name;
    char       *value;
} fake_field;

/*
 * fake_headers_apply - the recorded edits applied to in[0..n): returns a
 *	new list in *out (count in *nout); free with fake_fields_free.
 *	Returns -1 if an edit names a missing instance.
 */
int fake_headers_apply(const fake_field *in, size_t n, fake_field **out,
		       size_t *nout);

/* fake_fields_free - free a list from fake_headers_apply */
void fake_fields_free(fake_field *f, size_t n);

#endif
