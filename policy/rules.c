/*
 * NAME
 *	rules - per-recipient mode rules and explicit sender/client exceptions
 * DESCRIPTION
 *	See rules.h for the syntax and the decision. Each rule keeps its
 *	patterns in sorted arrays (addresses, domains, parent domains of
 *	"@.domain" patterns) so that list files of many thousand entries
 *	cost a binary search per recipient, and its networks as a list.
 * DIAGNOSTICS
 *	Reasons without the config's file:line (config.c adds it); a list
 *	file's own errors name "PATH:LINE". Untrusted text is escaped.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config_table.h"
#include "policy/rules.h"
#include "sanitizer/limits.h"

typedef struct rules_strset {
    char      **v;
    size_t	n, cap;
} rules_strset;

typedef struct rules_net {
    int		family;			/* AF_INET or AF_INET6 */
    unsigned char addr[16];
    unsigned	bits;			/* prefix length */
} rules_net;

typedef struct rules_rule {
    rules_kind	kind;
    policy_mode	mode;
    char       *text;			/* patterns as written */
    rules_strset addrs;			/* user@domain */
    rules_strset domains;		/* @domain */
    rules_strset parents;		/* @.domain: domain */
    rules_net  *nets;
    size_t	nnets, anets;
} rules_rule;

struct rules {
    rules_rule *v;
    size_t	n, cap;
};

/* Modes from least to most strict; the rank is the index. */
static const policy_mode rules_rank[] = { POLICY_MODE_CDR, POLICY_MODE_TEXT };

/* rules_kind_name - the config key of a kind */
const char *rules_kind_name(rules_kind kind)
{
    switch (kind) {
    case RULES_RECIPIENT:
	return "recipient";
    case RULES_SENDER:
	return "sender";
    case RULES_CLIENT:
	return "client";
    }
    return "?";
}

/* rules_mode_name - the config name of a mode */
const char *rules_mode_name(policy_mode mode)
{
    return mode == POLICY_MODE_CDR ? "cdr" : "text";
}

/* rules_rank_of - position of mode in rules_rank */
static size_t rules_rank_of(policy_mode mode)
{
    size_t i;

    for (i = 0; i < sizeof rules_rank / sizeof rules_rank[0]; i++)
	if (rules_rank[i] == mode)
	    return i;
    /* an unranked mode is treated as the strictest: fail closed */
    return sizeof rules_rank / sizeof rules_rank[0];
}

/* rules_stricter - the stricter of a and b */
policy_mode rules_stricter(policy_mode a, policy_mode b)
{
    return rules_rank_of(b) > rules_rank_of(a) ? b : a;
}

/* rules_lower - ASCII lower-case copy without surrounding <> */
static char *rules_lower(const char *s)
{
    size_t n = strlen(s), i;
    char *c;

    if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
	s++;
	n -= 2;
    }
    if ((c = malloc(n + 1)) == NULL)
	return NULL;
    for (i = 0; i < n; i++)
	c[i] = (char)tolower((unsigned char)s[i]);
    c[n] = '\0';
    return c;
}

/* rules_strset_add - append a copy of s */
static int rules_strset_add(rules_strset *set, const char *s)
{
    char **grown, *copy;
    size_t cap;

    if (set->n == set->cap) {
	cap = set->cap ? set->cap * 2 : 8;
	if ((grown = realloc(set->v, cap * sizeof *grown)) == NULL)
	    return -1;
	set->v = grown;
	set->cap = cap;
    }
    if ((copy = strdup(s)) == NULL)
	return -1;
    set->v[set->n++] = copy;
    return 0;
}

/* rules_strcmp - qsort/bsearch comparison of string pointers */
static int rules_strcmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* rules_strset_sort - order the set for rules_strset_has */
static void rules_strset_sort(rules_strset *set)
{
    if (set->n > 1)
	qsort(set->v, set->n, sizeof *set->v, rules_strcmp);
}

/* rules_strset_has - whether the sorted set holds s */
static int rules_strset_has(const rules_strset *set, const char *s)
{
    return set->n && bsearch(&s, set->v, set->n, sizeof *set->v,
			     rules_strcmp) != NULL;
}

/* rules_strset_free - release the strings and the array */
static void rules_strset_free(rules_strset *set)
{
    size_t i;

    for (i = 0; i < set->n; i++)
	free(set->v[i]);
    free(set->v);
    memset(set, 0, sizeof *set);
}

/* rules_clean_token - NULL if t may be part of an address pattern */
static const char *rules_clean_token(const char *t)
{
    const unsigned char *u;

    for (u = (const unsigned char *)t; *u; u++)
	if (*u < 0x21 || *u == 0x7f || *u == '<' || *u == '>' || *u == ','
	    || *u == '"')
	    return "invalid character in pattern";
    return config_table_text_check(t);
}

/* rules_add_address - one address pattern into r */
static const char *rules_add_address(rules_rule *r, const char *pat)
{
    const char *at = strchr(pat, '@'), *bad;
    char *low;
    int rc;

    if ((bad = rules_clean_token(pat)) != NULL)
	return bad;
    if (at == NULL || strchr(at + 1, '@') != NULL)
	return "expected user@domain, @domain or @.domain";
    if (at[1] == '\0' || (at[1] == '.' && at[2] == '\0'))
	return "empty domain";
    if ((low = rules_lower(pat)) == NULL)
	return "out of memory";
    if (at == pat && low[1] == '.')
	rc = rules_strset_add(&r->parents, low + 2);
    else if (at == pat)
	rc = rules_strset_add(&r->domains, low + 1);
    else
	rc = rules_strset_add(&r->addrs, low);
    free(low);
    return rc < 0 ? "out of memory" : NULL;
}

/* rules_parse_net - "ADDR" or "ADDR/BITS" into *net; reason or NULL */
static const char *rules_parse_net(const char *pat, rules_net *net)
{
    char buf[INET6_ADDRSTRLEN + 8], *slash;
    unsigned long bits;
    char *end;
    unsigned max;

    if (strlen(pat) >= sizeof buf)
	return "invalid IP address";
    strcpy(buf, pat);
    memset(net, 0, sizeof *net);
    if ((slash = strchr(buf, '/')) != NULL)
	*slash = '\0';
    if (inet_pton(AF_INET, buf, net->addr) == 1) {
	net->family = AF_INET;
	max = 32;
    } else if (inet_pton(AF_INET6, buf, net->addr) == 1) {
	net->family = AF_INET6;
	max = 128;
    } else {
	return "invalid IP address";
    }
    net->bits = max;
    if (slash) {
	errno = 0;
	bits = strtoul(slash + 1, &end, 10);
	if (slash[1] < '0' || slash[1] > '9' || *end || errno || bits > max)
	    return "invalid prefix length";
	net->bits = (unsigned)bits;
    }
    return NULL;
}

/* rules_add_client - one network pattern into r */
static const char *rules_add_client(rules_rule *r, const char *pat)
{
    rules_net net, *grown;
    const char *bad;
    size_t cap;

    if ((bad = rules_parse_net(pat, &net)) != NULL)
	return bad;
    if (r->nnets == r->anets) {
	cap = r->anets ? r->anets * 2 : 4;
	if ((grown = realloc(r->nets, cap * sizeof *grown)) == NULL)
	    return "out of memory";
	r->nets = grown;
	r->anets = cap;
    }
    r->nets[r->nnets++] = net;
    return NULL;
}

/* rules_add_one - a single (non-list) pattern */
static const char *rules_add_one(rules_rule *r, const char *pat)
{
    return r->kind == RULES_CLIENT ? rules_add_client(r, pat)
	: rules_add_address(r, pat);
}

/* rules_add_list - every pattern of a list file */
static int rules_add_list(rules_rule *r, const char *path, char *why,
			  size_t whylen)
{
    char line[LIMITS_RULES_LINE + 2], shown[128], *s, *e;
    const char *bad;
    unsigned lineno = 0;
    size_t total = 0;
    FILE *fp;

    config_table_escape(path, shown, sizeof shown);
    if ((fp = fopen(path, "re")) == NULL) {
	snprintf(why, whylen, "list %s: cannot open: %s", shown, strerror(errno));
	return -1;
    }
    while (fgets(line, sizeof line, fp) != NULL) {
	lineno++;
	total += strlen(line);
	if (total > LIMITS_RULES_LIST_BYTES) {
	    snprintf(why, whylen, "list %s: larger than %u bytes", shown,
		     (unsigned)LIMITS_RULES_LIST_BYTES);
	    fclose(fp);
	    return -1;
	}
	if (strchr(line, '\n') == NULL && !feof(fp)) {
	    snprintf(why, whylen, "list %s:%u: line too long", shown, lineno);
	    fclose(fp);
	    return -1;
	}
	if ((s = strchr(line, '#')) != NULL)
	    *s = '\0';
	s = line + strspn(line, " \t\r\n");
	for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]); e--)
	    ;
	*e = '\0';
	if (*s == '\0')
	    continue;
	if ((bad = rules_add_one(r, s)) != NULL) {
	    snprintf(why, whylen, "list %s:%u: %s", shown, lineno, bad);
	    fclose(fp);
	    return -1;
	}
    }
    if (ferror(fp)) {
	snprintf(why, whylen, "list %s: read error", shown);
	fclose(fp);
	return -1;
    }
    fclose(fp);
    return 0;
}

/* rules_rule_free - release one rule's contents */
static void rules_rule_free(rules_rule *r)
{
    free(r->text);
    rules_strset_free(&r->addrs);
    rules_strset_free(&r->domains);
    rules_strset_free(&r->parents);
    free(r->nets);
    memset(r, 0, sizeof *r);
}

/* rules_add - append a rule: mode plus patterns */
int rules_add(rules **rs, rules_kind kind, policy_mode mode,
	      const char *patterns, char *why, size_t whylen)
{
    char *copy, *tok, *save = NULL, shown[128];
    const char *bad;
    rules_rule r, *grown;
    size_t cap, count = 0;

    memset(&r, 0, sizeof r);
    r.kind = kind;
    r.mode = mode;
    if (*rs == NULL && (*rs = calloc(1, sizeof **rs)) == NULL) {
	snprintf(why, whylen, "out of memory");
	return -1;
    }
    if ((copy = strdup(patterns)) == NULL) {
	snprintf(why, whylen, "out of memory");
	return -1;
    }
    for (tok = strtok_r(copy, " \t,", &save); tok;
	 tok = strtok_r(NULL, " \t,", &save)) {
	count++;
	if (strncmp(tok, "list:", 5) == 0) {
	    if (tok[5] == '\0') {
		snprintf(why, whylen, "list: needs a file name");
		goto fail;
	    }
	    if (rules_add_list(&r, tok + 5, why, whylen) < 0)
		goto fail;
	} else if ((bad = rules_add_one(&r, tok)) != NULL) {
	    config_table_escape(tok, shown, sizeof shown);
	    snprintf(why, whylen, "%s: '%s'", bad, shown);
	    goto fail;
	}
    }
    if (count == 0) {
	snprintf(why, whylen, "no pattern after the mode");
	goto fail;
    }
    /* the text as written, single-spaced, for rules_format */
    free(copy);
    copy = NULL;
    if ((r.text = strdup(patterns)) == NULL) {
	snprintf(why, whylen, "out of memory");
	goto fail;
    }
    rules_strset_sort(&r.addrs);
    rules_strset_sort(&r.domains);
    rules_strset_sort(&r.parents);
    if ((*rs)->n == (*rs)->cap) {
	cap = (*rs)->cap ? (*rs)->cap * 2 : 8;
	if ((grown = realloc((*rs)->v, cap * sizeof *grown)) == NULL) {
	    snprintf(why, whylen, "out of memory");
	    goto fail;
	}
	(*rs)->v = grown;
	(*rs)->cap = cap;
    }
    (*rs)->v[(*rs)->n++] = r;
    return 0;
fail:
    free(copy);
    rules_rule_free(&r);
    return -1;
}

/* rules_parse - "MODE PATTERN..." from the config */
int rules_parse(rules **rs, rules_kind kind, const char *value,
		char *why, size_t whylen)
{
    size_t n = strcspn(value, " \t,");
    const char *rest = value + n;
    char shown[128], word[16];
    policy_mode mode;

    if (n == 0) {
	snprintf(why, whylen, "%s: expected MODE PATTERN...",
		 rules_kind_name(kind));
	return -1;
    }
    snprintf(word, sizeof word, "%.*s", (int)(n < 15 ? n : 15), value);
    if (n < sizeof word && strcasecmp(word, "text") == 0) {
	mode = POLICY_MODE_TEXT;
    } else if (n < sizeof word && strcasecmp(word, "cdr") == 0) {
	snprintf(why, whylen, "%s: cdr mode is not available in this version",
		 rules_kind_name(kind));
	return -1;
    } else {
	config_table_escape(word, shown, sizeof shown);
	snprintf(why, whylen, "%s: unknown mode '%s' (expected text)",
		 rules_kind_name(kind), shown);
	return -1;
    }
    rest += strspn(rest, " \t,");
    if (rules_add(rs, kind, mode, rest, why, whylen) < 0) {
	char inner[384];

	snprintf(inner, sizeof inner, "%s", why);
	snprintf(why, whylen, "%s: %s", rules_kind_name(kind), inner);
	return -1;
    }
    return 0;
}

/* rules_count - rules of one kind */
size_t rules_count(const rules *rs, rules_kind kind)
{
    size_t i, n = 0;

    for (i = 0; rs && i < rs->n; i++)
	n += rs->v[i].kind == kind;
    return n;
}

/* rules_format - the n-th rule of kind as "MODE PATTERN..." */
int rules_format(const rules *rs, rules_kind kind, size_t n,
		 char *buf, size_t len)
{
    size_t i;

    for (i = 0; rs && i < rs->n; i++) {
	if (rs->v[i].kind != kind)
	    continue;
	if (n-- == 0)
	    return snprintf(buf, len, "%s %s", rules_mode_name(rs->v[i].mode),
			    rs->v[i].text);
    }
    return -1;
}

/* rules_match_address - whether the lower-case address matches r */
static int rules_match_address(const rules_rule *r, const char *addr)
{
    const char *at = strrchr(addr, '@'), *d;

    if (rules_strset_has(&r->addrs, addr))
	return 1;
    if (at == NULL || at[1] == '\0')
	return 0;
    if (rules_strset_has(&r->domains, at + 1))
	return 1;
    for (d = strchr(at + 1, '.'); d; d = strchr(d + 1, '.'))
	if (d[1] && rules_strset_has(&r->parents, d + 1))
	    return 1;
    return 0;
}

/* rules_match_net - whether net contains the address a of family */
static int rules_match_net(const rules_net *net, int family,
			   const unsigned char *a)
{
    unsigned full = net->bits / 8, rest = net->bits % 8;

    if (net->family != family)
	return 0;
    if (memcmp(net->addr, a, full) != 0)
	return 0;
    if (rest == 0)
	return 1;
    return ((net->addr[full] ^ a[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

/* rules_match_client - whether the client address text matches r */
static int rules_match_client(const rules_rule *r, const char *client)
{
    unsigned char a[16];
    int family;
    size_t i;

    if (inet_pton(AF_INET, client, a) == 1) {
	family = AF_INET;
    } else if (inet_pton(AF_INET6, client, a) == 1) {
	family = AF_INET6;
	/* an IPv4 client seen on an IPv6 socket */
	if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
	    memmove(a, a + 12, 4);
	    family = AF_INET;
	}
    } else {
	return 0;
    }
    for (i = 0; i < r->nnets; i++)
	if (rules_match_net(&r->nets[i], family, a))
	    return 1;
    return 0;
}

/* rules_first - the first rule of kind matching subject, its number
 *	among rules of that kind in *num; NULL if none */
static const rules_rule *rules_first(const rules *rs, rules_kind kind,
				     const char *subject, unsigned *num)
{
    unsigned n = 0;
    size_t i;

    for (i = 0; rs && i < rs->n; i++) {
	if (rs->v[i].kind != kind)
	    continue;
	n++;
	if (kind == RULES_CLIENT ? rules_match_client(&rs->v[i], subject)
	    : rules_match_address(&rs->v[i], subject)) {
	    *num = n;
	    return &rs->v[i];
	}
    }
    return NULL;
}

/* rules_decide - the mode of one message */
void rules_decide(const rules *rs, policy_mode dflt, const char *sender,
		  const char *client, const char *const *rcpts, size_t nrcpts,
		  rules_decision *d)
{
    const rules_rule *r;
    policy_mode mode = dflt, m;
    unsigned num;
    char *low;
    size_t i;
    int first = 1;

    memset(d, 0, sizeof *d);
    for (i = 0; i < nrcpts; i++) {
	m = dflt;
	/* out of memory: the default mode, never a weaker one by accident */
	if (rs && (low = rules_lower(rcpts[i])) != NULL) {
	    if ((r = rules_first(rs, RULES_RECIPIENT, low, &num)) != NULL) {
		m = r->mode;
		d->matched++;
	    }
	    free(low);
	}
	mode = first ? m : rules_stricter(mode, m);
	first = 0;
    }
    if (nrcpts == 0)
	mode = dflt;
    if (rs && client && *client
	&& (r = rules_first(rs, RULES_CLIENT, client, &num)) != NULL) {
	mode = r->mode;
	d->exception = 1;
	d->exception_kind = RULES_CLIENT;
	d->exception_rule = num;
    } else if (rs && sender && *sender && (low = rules_lower(sender)) != NULL) {
	if (*low && (r = rules_first(rs, RULES_SENDER, low, &num)) != NULL) {
	    mode = r->mode;
	    d->exception = 1;
	    d->exception_kind = RULES_SENDER;
	    d->exception_rule = num;
	}
	free(low);
    }
    d->mode = mode;
}

/* rules_free - release the set */
void rules_free(rules *rs)
{
    size_t i;

    if (rs == NULL)
	return;
    for (i = 0; i < rs->n; i++)
	rules_rule_free(&rs->v[i]);
    free(rs->v);
    free(rs);
}
