/*
 * NAME
 *	config_table - the one table of every config key
 * DESCRIPTION
 *	Each entry names a section and key, its type, where the value lives
 *	in struct policy, its range (from sanitizer/limits.h), its default
 *	and a one-line description. Parsing and validation (config.c),
 *	the embedded defaults (policy.c), the sample files and the help
 *	text are all derived from it, so a key cannot be added in one place
 *	and forgotten in another.
 *
 *	The value parsers return a reason without location; the caller
 *	adds "file:line".
 */
#ifndef MUGAI_CONFIG_TABLE_H
#define MUGAI_CONFIG_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct policy;

typedef enum {
    CONFIG_TYPE_CHOICE,		/* one name from a list; stored as its index */
    CONFIG_TYPE_SIZE,		/* bytes; suffix k/K, M, G (1024-based) */
    CONFIG_TYPE_COUNT,		/* plain decimal number */
    CONFIG_TYPE_DURATION,	/* number + ms, s or m; stored in ms */
    CONFIG_TYPE_STRING,		/* UTF-8 text, may be empty */
    CONFIG_TYPE_PATH,		/* UTF-8, not empty; a path (see config_pathform) */
    CONFIG_TYPE_BOOL,		/* yes/no, true/false, on/off */
    CONFIG_TYPE_RULE		/* repeatable "MODE PATTERN..." (policy/rules.h);
				 * def_num is its rules_kind, def_str an example */
} config_type;

/*
 * Where a value holds a file name. config_load() takes a relative one
 * from the config file's directory, for every entry alike; the forms
 * say where in the value the name is.
 */
typedef enum {
    CONFIG_PATH_NONE,		/* no file name */
    CONFIG_PATH_FILE,		/* the whole value, unless empty */
    CONFIG_PATH_SOCKET,		/* after "unix:" or "local:" */
    CONFIG_PATH_LOG,		/* the whole value, unless syslog or stderr */
    CONFIG_PATH_LIST		/* each "list:FILE" pattern of a rule */
} config_pathform;

typedef struct config_section {
    const char *name;
    const char *title;		/* English heading for the sample file */
    const char *gloss;		/* Japanese heading for the sample file */
} config_section;

typedef struct config_entry {
    const char *section;
    const char *key;
    config_type type;
    const char *const *choices;	/* CHOICE: names, NULL-terminated */
    size_t	offset;		/* offsetof(struct policy, field) */
    size_t	width;		/* sizeof the field (numbers, enums, bool) */
    unsigned long long min;	/* numbers: inclusive range, stored units */
    unsigned long long max;
    unsigned long long def_num;	/* numbers, bool, choice index */
    const char *def_str;	/* STRING, PATH */
    const char *help;		/* one line, English */
    /* optional extra rule on a parsed value: reason, or NULL if fine */
    const char *(*check)(unsigned long long value);
    /* optional extra rule on a STRING value: reason, or NULL if fine */
    const char *(*check_text)(const char *value);
    config_pathform path;	/* which part of the value names a file */
} config_entry;

extern const config_section config_table_sections[];
extern const size_t config_table_section_count;
extern const config_entry config_table[];
extern const size_t config_table_count;

/* config_table_section - the section called name, or NULL */
const config_section *config_table_section(const char *name);

/* config_table_find - the entry for section/key, or NULL */
const config_entry *config_table_find(const char *section, const char *key);

/* config_table_find_key - the first entry called key in any section, or NULL */
const config_entry *config_table_find_key(const char *key);

/*
 * config_table_set - parse value (already unquoted) for e and store it in p.
 *	Returns 0, or -1 with a reason (no file:line) in why. Strings are
 *	copied; the previous string is freed. Out of memory is a reason too.
 */
int config_table_set(const config_entry *e, struct policy *p,
		     const char *value, char *why, size_t whylen);

/* config_table_defaults - store every default in p; -1 on out of memory */
int config_table_defaults(struct policy *p);

/* config_table_free - free the strings held by table keys in p */
void config_table_free(struct policy *p);

/*
 * config_table_format - write e's value in p as config text (the same
 *	syntax the parser reads, quoted when needed) into buf.
 *	Returns the length snprintf would have written.
 */
int config_table_format(const config_entry *e, const struct policy *p,
			char *buf, size_t len);

/*
 * config_table_write - write a complete commented config holding the
 *	values of p: every section and key with its type, range, default
 *	and description. Returns 0, or -1 on a write error.
 */
int config_table_write(FILE *out, const struct policy *p);

/* config_table_dump - config_table_write() of the embedded defaults */
int config_table_dump(FILE *out);

/*
 * config_table_verify - check the table itself: defaults in range and
 *	accepted by the parser, known sections, sane widths. Returns 0, or
 *	-1 with a reason in why.
 */
int config_table_verify(char *why, size_t whylen);

/* Value parsers, exported for the tests: 0 on success, -1 if malformed,
 * -2 if too large for unsigned long long. */
int config_table_parse_count(const char *s, unsigned long long *out);
int config_table_parse_size(const char *s, unsigned long long *out);
int config_table_parse_duration(const char *s, unsigned long long *out);
int config_table_parse_bool(const char *s, int *out);

/* config_table_text_check - NULL if s is valid UTF-8 without control
 *	characters, else the reason */
const char *config_table_text_check(const char *s);

/* config_table_escape - copy untrusted s into buf for a message:
 *	printable UTF-8 as is, other bytes as \xNN, cut with "..." after
 *	about 64 bytes */
void config_table_escape(const char *s, char *buf, size_t len);

#endif
