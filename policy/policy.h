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

/* True-type classes of the [types] section, in the order of sanitizer/typerules.h. */
#define POLICY_TYPE_CLASSES	18
#define POLICY_TYPE_NAMES \
    "text", "html", "image", "pdf", "office", "media", "message", "archive", \
    "executable", "script", "shortcut", "disk_image", "onenote", "chm", \
    "installer", "java", "encrypted", "other"

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
    size_t	max_output_size;
    unsigned	max_message_time_ms;
    policy_limit_action on_limit;	/* structure limits: reject or tempfail */

    /* [milter] */
    char       *milter_socket;		/* unix:PATH, local:PATH, inet:PORT@HOST, inet6:... */
    char       *milter_user;		/* runs as this user after opening the socket */
    char       *milter_group;
    char       *milter_socket_group;	/* group of a unix socket (Postfix's) */
    char       *milter_pid_file;
    char       *milter_log;		/* "syslog", "stderr" or a file path */
    size_t	milter_memory_spool;	/* bytes a message may keep in memory; 0: all on disk */

    /* [rules] */
    struct rules *rules;		/* policy/rules.h; NULL when there are none */

    /* [scan] (sanitizer/scan_config.c turns these into scan_settings) */
    int		scan_scanner;		/* 0 libclamav (in process), 1 clamd */
    char       *scan_clamd_socket;	/* clamd: unix:PATH or inet:PORT@HOST */
    char       *scan_database_dir;	/* ClamAV signatures: a directory or one file */
    char       *scan_temp_dir;		/* temporary files of scanning; "": spool_dir */
    unsigned long long scan_max_database_age_ms;	/* 0: no age check */
    int		scan_on_virus;		/* 0 reject, 1 quarantine */
    int		scan_on_no_database;	/* 0 tempfail, 1 reject */
    unsigned long long scan_max_scan_size;
    unsigned long long scan_max_file_size;
    unsigned	scan_max_recursion;
    unsigned	scan_max_files;
    unsigned	scan_max_scan_time_ms;
    unsigned	scan_check_interval_ms;	/* how often the milter looks for new signatures */

    /* [archives] */
    unsigned	archive_max_depth;
    unsigned	archive_max_members;
    unsigned long long archive_max_total_size;
    unsigned long long archive_max_member_size;
    unsigned	archive_max_ratio;
    int		archive_on_limit;	/* 0 remove, 1 quarantine */

    /* [types]: action per true-type class, in the order of POLICY_TYPE_NAMES */
    int		type_action[POLICY_TYPE_CLASSES];	/* 0 keep, 1 remove, 2 quarantine */
    int		type_spoofed;			/* 1 remove, 2 quarantine */

    /* [vault] */
    char       *vault_dir;
    char       *vault_group;
    char       *vault_owner;		/* "" = the effective user */
    char       *vault_requester_group;	/* "" = vault_group */
    char       *vault_approver_group;
    char       *vault_audit_log;
    unsigned	vault_retention_days;
    char       *vault_release_host;
    unsigned	vault_release_port;
    unsigned	vault_release_timeout_ms;
    char       *vault_release_tls_cert;	/* client certificate of releases */
    char       *vault_release_tls_key;
    char       *vault_release_tls_ca;	/* CA of the release server's certificate */
    unsigned	vault_busy_timeout_ms;
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
