/*
 * NAME
 *	report - what the engine saw and did, part by part
 * DESCRIPTION
 *	Every leaf part gets an entry (path, decoded filename, declared type,
 *	detected type, size, SHA-256, action, reason); anomalies are findings.
 *	The report is written as JSON for the CLI and feeds the notice and
 *	the log line.
 */
#ifndef MUGAI_REPORT_H
#define MUGAI_REPORT_H

#include <stdio.h>
#include <stddef.h>

typedef enum {
    REPORT_BODY = 0,		/* its text is the body of the output */
    REPORT_ALTERNATIVE,		/* another rendering of the body text, dropped */
    REPORT_REMOVED,		/* removed and listed in the notice */
    REPORT_KEPT			/* kept as it was (cdr mode) */
} report_action;

typedef struct report_part {
    char	*path;		/* MIME path, "1", "2.1", "3.1.2" */
    char	*filename;	/* decoded UTF-8, or NULL */
    char	*declared_type;	/* from Content-Type, lower case */
    char	*detected_type;	/* from the content (libmagic) */
    unsigned long long size;	/* decoded octets */
    char	sha256[65];	/* hex of the decoded content */
    report_action action;
    char	*reason;	/* why: "attachment", "inline image", ... */
    char	*charset;	/* charset used to read a text part, or NULL */
    const char	*scan;		/* scan_verdict_name(), or NULL when not scanned */
    char	*scan_name;	/* signature or heuristic that matched, or NULL */
    const char	*type_class;	/* typerules_class_name() of the content, or NULL */
    const char	*rule;		/* typerules_action_name() the rules chose, or NULL */
    const char	*archive;	/* archive kind when looked into ("zip"), or NULL */
    char	*note;		/* notice key: "encrypted-archive", "archive-limit", ... */
    char	*note_detail;	/* one line for the note (which limit), or NULL */
    int		alt_lost;	/* an unchosen alternative with text the body lacks */
} report_part;

/* A member of an archive part, at any nesting level. */
typedef struct report_member {
    size_t	part;		/* index in report.parts of the MIME part it is in */
    char	*path;		/* "<MIME path>:<position>", e.g. "2:3/1" */
    char	*name;		/* UTF-8 (converted from CP932 when needed) */
    char	*detected_type;	/* libmagic, or NULL when encrypted */
    unsigned long long size;	/* octets actually decompressed */
    char	sha256[65];
    unsigned	depth;		/* 1 = directly inside the part */
    int		encrypted;
    const char	*scan;		/* scan_verdict_name(), or NULL when not scanned */
    char	*scan_name;
    const char	*type_class;
    const char	*rule;
} report_member;

typedef struct report_finding {
    char	*path;		/* part it concerns, "" for the message */
    char	*kind;		/* short key: "type-mismatch", "base64-after-padding" */
    char	*detail;	/* one line, UTF-8 */
} report_finding;

typedef struct report {
    report_part	*parts;
    size_t	nparts, aparts;
    report_finding *findings;
    size_t	nfindings, afindings;
    const char	*mode;		/* "text" */
    const char	*verdict;	/* engine_verdict_name() */
    char	*reason;	/* reject/tempfail reason, or NULL */
    unsigned long long bytes_in, bytes_out;
    unsigned	removed, kept;
    char	*subject;	/* decoded original subject */
    char	*message_id;
    char	*sha256;	/* of the whole message as received */
    report_member *members;	/* archive members of the parts, in walk order */
    size_t	nmembers, amembers;
    /* For the vault: whether the original must be kept, and why
     * ("virus", "reject", "quarantine", "removed"); 0/NULL for tempfail or
     * when nothing was removed. Set by engine_run. */
    int		keep_original;
    const char	*keep_reason;
    char	*virus;		/* first signature found, or NULL */
    unsigned	viruses;	/* parts and members with a signature match */
    const char	*message_scan;	/* scan of the raw message: scan_verdict_name(), or NULL */
    char	*av_database;	/* "DIR (version N, built YYYY-MM-DD, S signatures)", or NULL */
} report;

/* report_new - an empty report, or NULL on out-of-memory */
report *report_new(void);

/* report_free - release a report (NULL is fine) */
void report_free(report *r);

/* report_add_part - append a part entry and return it (zeroed, path copied) */
report_part *report_add_part(report *r, const char *path);

/* report_add_member - append a member entry of part index part (zeroed, path copied) */
report_member *report_add_member(report *r, size_t part, const char *path);

/* report_add_finding - append a finding; returns 0 or -1 on out-of-memory */
int report_add_finding(report *r, const char *path, const char *kind,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* report_action_name - "body", "alternative", "removed", "kept" */
const char *report_action_name(report_action a);

/* report_write_json - write the report as one JSON object */
int report_write_json(const report *r, FILE *out);

#endif
