/*
 * NAME
 *	policy - the immutable policy a message is judged by
 * DESCRIPTION
 *	A policy is built once from the config file (policy/config.c) and then
 *	only read. Front ends share one snapshot by reference count
 *	(policy_ref/policy_unref) so a reload can swap it while mail is in
 *	flight. No GLib and no libmilter types here.
 */
#ifndef MUGAI_POLICY_H
#define MUGAI_POLICY_H

#include <stdatomic.h>
#include <stddef.h>

typedef enum { POLICY_MODE_TEXT = 0, POLICY_MODE_CDR } policy_mode;
typedef enum { POLICY_LANG_JA = 0, POLICY_LANG_EN } policy_lang;
typedef enum { POLICY_URL_DEFANG = 0, POLICY_URL_KEEP, POLICY_URL_REMOVE } policy_url;
typedef enum { POLICY_CHARSET_UTF8 = 0, POLICY_CHARSET_ISO2022JP } policy_charset;
typedef enum { POLICY_LIMIT_REJECT = 0, POLICY_LIMIT_TEMPFAIL } policy_limit_action;

typedef struct policy {
    atomic_int	refs;			/* see policy_ref() */
    char       *source;			/* config file it came from, or "(defaults)" */

    /* [general] */
    policy_mode	mode;
    policy_lang	language;
    char       *spool_dir;		/* private temporary files */

    /* [text] */
    char       *subject_tag;		/* UTF-8; "" adds none */
    policy_url	urls;			/* http, https, ftp, www. */
    policy_url	mailto_links;
    policy_url	tel_links;
    policy_charset output_charset;
    unsigned	wrap_width;

    /* [limits] */
    size_t	max_message_size;
    size_t	max_parts;
    size_t	max_mime_depth;
    size_t	max_header_size;
    size_t	max_header_count;
    size_t	max_text_size;
    unsigned	max_message_time_ms;
    policy_limit_action on_limit;	/* structure limits: reject or tempfail */

    /* [milter] */
    char       *milter_socket;		/* unix:PATH, local:PATH, inet:PORT@HOST, inet6:... */
    char       *milter_user;		/* runs as this user after opening the socket */
    char       *milter_group;
    char       *milter_socket_group;	/* group of a unix socket (Postfix's) */
    char       *milter_pid_file;
    char       *milter_log;		/* "syslog", "stderr" or a file path */

    /* [rules] */
    struct rules *rules;		/* policy/rules.h; NULL when there are none */
} policy;

/* policy_defaults - a new policy holding the embedded defaults (refs = 1) */
policy *policy_defaults(void);

/* policy_ref - take one more reference; returns p */
policy *policy_ref(policy *p);

/* policy_unref - drop one reference; frees on the last (NULL is fine) */
void policy_unref(policy *p);

/*
 * policy_view - *view becomes a copy of p that differs only in mode, for
 *	one engine run of a message whose recipients chose another mode. It
 *	borrows every string and the rules of p: it is never referenced or
 *	freed, and must not outlive the caller's reference to p.
 */
void policy_view(const policy *p, policy_mode mode, policy *view);

#endif
