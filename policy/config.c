/*
 * NAME
 *	config - read mugai.conf into a policy
 * DESCRIPTION
 *	libinih splits "key = value" lines, strips comments (a line
 *	starting with # or ;, or " ;" and the rest of a line) and calls
 *	config_handler() for each key. It is fed by config_reader(), which
 *	counts lines, so that every message can name its line, and which
 *	also:
 *	  - handles [section] lines itself: a section without keys must
 *	    still be checked, and keys under a broken or unknown header
 *	    must not be taken for keys of the previous section;
 *	  - strips leading blanks, so that inih never joins an indented
 *	    line to the previous value (its multi-line continuation);
 *	  - refuses NUL bytes and lines longer than inih's buffer, which
 *	    inih would silently cut or split;
 *	  - notices a key line for which inih did not call the handler:
 *	    that is inih's syntax error, reported here for every such line
 *	    although inih returns only the first.
 *	Values may be quoted ("...") to keep outer blanks; the quotes are
 *	removed before the value is checked against the config table.
 *	A relative file name in a value (where the table's entry says
 *	one is: config_pathform) is taken from the config file's
 *	directory and stored absolute, so that a config means the same
 *	files whatever the working directory of the program reading it,
 *	and after a daemon has changed it.
 * DIAGNOSTICS
 *	Every problem becomes one "FILE:LINE: reason" line in the caller's
 *	config_errors; any problem means no policy.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "policy/config.h"
#include "policy/config_table.h"

#define CONFIG_MAX_FILE	(1024 * 1024)	/* a config is small; stops /dev/zero */
#define CONFIG_LINE_BUF	1024

enum {
    SECTION_NONE = -1,			/* before the first header */
    SECTION_BAD = -2			/* after an unknown or broken header */
};

typedef struct config_parse {
    const char *path;
    FILE       *fp;
    config_errors *errs;
    policy     *p;
    int	       *seen;			/* per table entry: line set on, or 0 */
    char	line[CONFIG_LINE_BUF];	/* the raw current line */
    size_t	bytes;			/* read so far */
    int		lineno;
    int		section;		/* index into config_table_sections */
    int		key_line;		/* current line must reach the handler */
    int		handled;		/* ... and did */
    int		first_syntax;		/* first key line inih refused */
    int		stop;			/* read error or file too large */
    char       *base;			/* the file's directory, absolute, once needed */
} config_parse;

/* config_errors_init - an empty list */
void config_errors_init(config_errors *errs)
{
    errs->lines = NULL;
    errs->stored = errs->cap = errs->count = 0;
}

/* config_errors_free - free every line and empty the list */
void config_errors_free(config_errors *errs)
{
    size_t i;

    for (i = 0; i < errs->stored; i++)
	free(errs->lines[i]);
    free(errs->lines);
    config_errors_init(errs);
}

/* config_errors_add - append one formatted line */
void config_errors_add(config_errors *errs, const char *fmt, ...)
{
    va_list ap;
    char *line, **grown;
    size_t cap;
    int n;

    /* counted first, so an error is never lost for lack of memory */
    errs->count++;
    va_start(ap, fmt);
    n = vasprintf(&line, fmt, ap);
    va_end(ap);
    if (n < 0)
	return;
    if (errs->stored == errs->cap) {
	cap = errs->cap ? errs->cap * 2 : 8;
	if ((grown = realloc(errs->lines, cap * sizeof *grown)) == NULL) {
	    free(line);
	    return;
	}
	errs->lines = grown;
	errs->cap = cap;
    }
    errs->lines[errs->stored++] = line;
}

/* config_errors_print - one line each */
void config_errors_print(const config_errors *errs, FILE *out)
{
    size_t i;

    for (i = 0; i < errs->stored; i++)
	fprintf(out, "%s\n", errs->lines[i]);
    if (errs->count > errs->stored)
	fprintf(out, "(%zu more errors not shown: out of memory)\n",
		errs->count - errs->stored);
}

/* config_error - one "FILE:LINE: reason" */
static void config_error(config_parse *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void config_error(config_parse *st, const char *fmt, ...)
{
    char why[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    config_errors_add(st->errs, "%s:%d: %s", st->path, st->lineno, why);
}

/* config_check_syntax - report the previous line if inih refused it */
static void config_check_syntax(config_parse *st)
{
    if (st->key_line && !st->handled) {
	config_error(st, "syntax error: expected 'key = value'");
	if (st->first_syntax == 0)
	    st->first_syntax = st->lineno;
    }
    st->key_line = 0;
}

/* config_section_line - a "[name]" line: switch to that section */
static void config_section_line(config_parse *st, char *s)
{
    const config_section *sec;
    char shown[128], *end, *rest;

    if ((end = strchr(s + 1, ']')) == NULL) {
	config_error(st, "syntax error: missing ']' in section header");
	st->section = SECTION_BAD;
	return;
    }
    *end = '\0';
    rest = end + 1 + strspn(end + 1, " \t\v\f\r");
    if (*rest != '\0' && *rest != ';' && *rest != '#')
	config_error(st, "syntax error: unexpected text after ']'");
    if ((sec = config_table_section(s + 1)) == NULL) {
	config_table_escape(s + 1, shown, sizeof shown);
	config_error(st, "unknown section [%s]", shown);
	st->section = SECTION_BAD;
	return;
    }
    st->section = (int)(sec - config_table_sections);
}

/* config_read_raw - next line into st->line without its end of line;
 *	0, or -1 at end of file or on error. *overlong and *nul tell
 *	what was dropped or found. */
static int config_read_raw(config_parse *st, int *overlong, int *nul)
{
    size_t n = 0;
    int c, any = 0;

    *overlong = *nul = 0;
    while ((c = getc(st->fp)) != EOF) {
	any = 1;
	if (++st->bytes > CONFIG_MAX_FILE) {
	    config_errors_add(st->errs, "%s: file too large (more than %d bytes)",
			      st->path, CONFIG_MAX_FILE);
	    st->stop = 1;
	    return -1;
	}
	if (c == '\n')
	    break;
	if (c == '\0')
	    *nul = 1;
	if (n < sizeof st->line - 1)
	    st->line[n++] = (char)c;
	else
	    *overlong = 1;
    }
    if (ferror(st->fp)) {
	config_errors_add(st->errs, "%s: read error: %s", st->path,
			  strerror(errno));
	st->stop = 1;
	return -1;
    }
    if (!any)
	return -1;
    if (n > 0 && st->line[n - 1] == '\r')
	n--;
    st->line[n] = '\0';
    return 0;
}

/* config_reader - inih's fgets(): one line per call, checked */
static char *config_reader(char *str, int num, void *stream)
{
    config_parse *st = stream;
    int overlong, nul;
    size_t limit, n;
    char *s;

    config_check_syntax(st);
    if (st->stop || config_read_raw(st, &overlong, &nul) < 0)
	return NULL;
    st->lineno++;
    /* inih needs room for "\r\n\0" beyond the longest line */
    limit = num > 3 ? (size_t)num - 3 : 0;
    if (limit > sizeof st->line - 1)
	limit = sizeof st->line - 1;
    if (nul) {
	config_error(st, "NUL byte in line");
	st->line[0] = '\0';
    } else if (overlong || strlen(st->line) > limit) {
	config_error(st, "line too long (more than %zu bytes)", limit);
	st->line[0] = '\0';
    }
    s = st->line;
    if (st->lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
	s += 3;
    s += strspn(s, " \t\v\f\r");
    if (*s == '[') {
	config_section_line(st, s);
	*s = '\0';
    } else if (*s != '\0' && *s != ';' && *s != '#') {
	st->key_line = 1;
	st->handled = 0;
    }
    n = strlen(s);
    memcpy(str, s, n);
    str[n] = '\n';
    str[n + 1] = '\0';
    return str;
}

/* config_unquote - value without its surrounding quotes, newly
 *	allocated; NULL with *why set when malformed or out of memory */
static char *config_unquote(const char *value, const char **why)
{
    size_t n = strlen(value);
    char *copy;

    if (n > 0 && value[0] == '"') {
	if (n < 2 || value[n - 1] != '"') {
	    *why = "missing closing quote";
	    return NULL;
	}
	copy = strndup(value + 1, n - 2);
    } else {
	copy = strdup(value);
    }
    if (copy == NULL)
	*why = strerror(errno);
    return copy;
}

/* config_base - the config file's directory, absolute; NULL if the
 *	working directory, needed for a relative config path, is unknown */
static const char *config_base(config_parse *st)
{
    const char *slash;
    char *cwd;
    int n;

    if (st->base != NULL)
	return st->base;
    slash = strrchr(st->path, '/');
    if (st->path[0] == '/') {
	st->base = strndup(st->path, slash == st->path ? 1
			   : (size_t)(slash - st->path));
	return st->base;
    }
    if ((cwd = getcwd(NULL, 0)) == NULL)
	return NULL;
    if (slash == NULL)
	return st->base = cwd;
    n = asprintf(&st->base, "%s/%.*s", cwd, (int)(slash - st->path), st->path);
    free(cwd);
    if (n < 0)
	st->base = NULL;
    return st->base;
}

/* config_put_path - name, taken from the config's directory if it is
 *	relative, onto out; -1 if that directory is unknown */
static int config_put_path(config_parse *st, FILE *out, const char *name,
			   size_t len)
{
    const char *base;

    if (len > 0 && name[0] != '/') {
	if ((base = config_base(st)) == NULL)
	    return -1;
	fputs(base, out);
	if (base[strlen(base) - 1] != '/')
	    putc('/', out);
    }
    fwrite(name, 1, len, out);
    return 0;
}

/* config_put_lists - a rule's value with each list:FILE pattern's file
 *	taken from the config's directory; the separators are those of
 *	rules_add() */
static int config_put_lists(config_parse *st, FILE *out, const char *value)
{
    static const char seps[] = " \t,";
    const char *s = value;
    size_t n;

    while (*s != '\0') {
	n = strspn(s, seps);
	fwrite(s, 1, n, out);
	s += n;
	n = strcspn(s, seps);
	if (n > 5 && strncmp(s, "list:", 5) == 0) {
	    fputs("list:", out);
	    if (config_put_path(st, out, s + 5, n - 5) < 0)
		return -1;
	} else {
	    fwrite(s, 1, n, out);
	}
	s += n;
    }
    return 0;
}

/* config_resolve - value with its relative file names taken from the
 *	config file's directory (per e->path), newly allocated; NULL with
 *	a reason in why */
static char *config_resolve(config_parse *st, const config_entry *e,
			    const char *value, char *why, size_t whylen)
{
    const char *name = value;
    char *buf = NULL;
    size_t len = 0;
    FILE *out;
    int rc;

    if ((out = open_memstream(&buf, &len)) == NULL) {
	snprintf(why, whylen, "%s: %s", e->key, strerror(errno));
	return NULL;
    }
    switch (e->path) {
    case CONFIG_PATH_LIST:
	rc = config_put_lists(st, out, value);
	break;
    case CONFIG_PATH_SOCKET:
	if (strncmp(value, "unix:", 5) == 0)
	    name = value + 5;
	else if (strncmp(value, "local:", 6) == 0)
	    name = value + 6;
	else
	    name = value + strlen(value);	/* inet: names no file */
	fwrite(value, 1, (size_t)(name - value), out);
	rc = config_put_path(st, out, name, strlen(name));
	break;
    case CONFIG_PATH_LOG:
	if (strcmp(value, "syslog") == 0 || strcmp(value, "stderr") == 0)
	    name = value + strlen(value);
	fwrite(value, 1, (size_t)(name - value), out);
	rc = config_put_path(st, out, name, strlen(name));
	break;
    case CONFIG_PATH_FILE:
	rc = config_put_path(st, out, value, strlen(value));
	break;
    default:
	rc = fputs(value, out) < 0 ? -1 : 0;
	break;
    }
    if (fclose(out) != 0 || rc < 0) {
	snprintf(why, whylen, "%s: cannot take a relative path from the "
		 "config file's directory: %s", e->key, strerror(errno));
	free(buf);
	return NULL;
    }
    return buf;
}

/* config_handler - one "key = value" from inih */
static int config_handler(void *user, const char *section, const char *name,
			  const char *value)
{
    config_parse *st = user;
    const config_entry *e, *other;
    char shown[128], why[512];
    const char *bad = NULL, *secname;
    char *plain, *resolved;
    size_t i;

    /* inih never sees a header (config_reader keeps them), so its
     * section is always ""; st->section is the real one */
    (void)section;
    st->handled = 1;
    if (st->section == SECTION_BAD)
	return 1;			/* the header was reported */
    config_table_escape(name, shown, sizeof shown);
    if (st->section == SECTION_NONE) {
	if ((other = config_table_find_key(name)) != NULL)
	    config_error(st, "key '%s' before any section (it belongs in [%s])",
			 shown, other->section);
	else
	    config_error(st, "key '%s' before any section", shown);
	return 1;
    }
    secname = config_table_sections[st->section].name;
    if ((e = config_table_find(secname, name)) == NULL) {
	if ((other = config_table_find_key(name)) != NULL)
	    config_error(st, "unknown key '%s' in [%s] (it belongs in [%s])",
			 shown, secname, other->section);
	else
	    config_error(st, "unknown key '%s' in [%s]", shown, secname);
	return 1;
    }
    i = (size_t)(e - config_table);
    if (st->seen[i] && e->type != CONFIG_TYPE_RULE) {
	config_error(st, "duplicate key '%s' (first set at line %d)",
		     shown, st->seen[i]);
	return 1;
    }
    st->seen[i] = st->lineno;
    if ((plain = config_unquote(value, &bad)) == NULL) {
	/* a quoted " ;" was cut by inih as a comment: say so */
	if (strstr(st->line, " ;") || strstr(st->line, "\t;"))
	    config_error(st, "%s: %s (\" ;\" starts a comment, also "
			 "inside quotes)", e->key, bad);
	else
	    config_error(st, "%s: %s", e->key, bad);
	return 1;
    }
    if ((resolved = config_resolve(st, e, plain, why, sizeof why)) == NULL
	|| config_table_set(e, st->p, resolved, why, sizeof why) < 0)
	config_error(st, "%s", why);
    free(resolved);
    free(plain);
    return 1;				/* errors are ours to count, not inih's */
}

/* config_load - read path into a new policy, or NULL with errors */
policy *config_load(const char *path, config_errors *errs)
{
    config_errors local;
    config_parse st;
    size_t before;
    int rc;

    if (errs == NULL) {
	config_errors_init(&local);
	errs = &local;
    }
    before = errs->count;
    memset(&st, 0, sizeof st);
    st.path = path;
    st.errs = errs;
    st.section = SECTION_NONE;
    if ((st.fp = fopen(path, "re")) == NULL) {
	config_errors_add(errs, "%s: cannot open: %s", path, strerror(errno));
	goto done;
    }
    st.seen = calloc(config_table_count, sizeof *st.seen);
    st.p = policy_defaults();
    if (st.seen == NULL || st.p == NULL) {
	config_errors_add(errs, "%s: out of memory", path);
	goto done;
    }
    free(st.p->source);
    if ((st.p->source = strdup(path)) == NULL) {
	config_errors_add(errs, "%s: out of memory", path);
	goto done;
    }
    rc = ini_parse_stream(config_reader, &st, config_handler, &st);
    config_check_syntax(&st);
    /* inih's answer is its first refused line, already reported above;
     * anything else would be a case the reader does not know */
    if (rc > 0 && rc != st.first_syntax)
	config_errors_add(errs, "%s:%d: syntax error", path, rc);
    else if (rc < 0)
	config_errors_add(errs, "%s: out of memory", path);
done:
    if (st.fp != NULL)
	fclose(st.fp);
    free(st.seen);
    free(st.base);
    if (errs->count != before) {
	policy_unref(st.p);
	st.p = NULL;
    }
    if (errs == &local)
	config_errors_free(&local);
    return st.p;
}

/* config_default_path - the source tree's sample, or the installed file */
const char *config_default_path(void)
{
    if (access("samples/mugai.conf", F_OK) == 0
	&& access("sanitizer/engine.h", F_OK) == 0)
	return "samples/mugai.conf";
    return SYSCONFDIR "/mugai/mugai.conf";
}
