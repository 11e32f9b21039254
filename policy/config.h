/*
 * NAME
 *	config - read mugai.conf into a policy
 * DESCRIPTION
 *	config_load() reads an INI-style file (sections, "key = value")
 *	whose keys are those of policy/config_table.c. Every problem in the
 *	file is collected, each as one "FILE:LINE: reason" line, so that a
 *	single check shows them all; a file with any error yields no
 *	policy at all, so mugai never starts on a half-understood config.
 */
#ifndef MUGAI_CONFIG_H
#define MUGAI_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "policy/policy.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

/* A growable list of error lines. count includes lines that could not be
 * stored for lack of memory; config_errors_print() mentions those. */
typedef struct config_errors {
    char      **lines;
    size_t	stored;
    size_t	cap;
    size_t	count;
} config_errors;

/* config_errors_init - an empty list */
void config_errors_init(config_errors *errs);

/* config_errors_free - free every line; the list is empty again */
void config_errors_free(config_errors *errs);

/* config_errors_add - append one formatted line (no newline) */
void config_errors_add(config_errors *errs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* config_errors_print - every line to out, one per line */
void config_errors_print(const config_errors *errs, FILE *out);

/*
 * config_load - read path into a new policy (refs = 1).
 *	Keys not in the file keep their defaults. Every error is appended
 *	to errs as "FILE:LINE: reason" (or "FILE: reason" when there is no
 *	line); if there is any, the result is NULL. errs may be NULL when
 *	only success matters.
 */
policy *config_load(const char *path, config_errors *errs);

/*
 * config_default_path - "samples/mugai.conf" when run from the source
 *	tree (that file and sanitizer/engine.h exist below the working
 *	directory), else SYSCONFDIR "/mugai/mugai.conf".
 */
const char *config_default_path(void);

#endif
