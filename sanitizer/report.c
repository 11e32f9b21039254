/*
 * NAME
 *	report - what the engine saw and did, part by part
 * DESCRIPTION
 *	Growable arrays of part entries and findings, and a JSON writer that
 *	escapes everything (names come from hostile mail).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "sanitizer/report.h"

/* report_new - an empty report, or NULL on out-of-memory */
report *report_new(void)
{
    report *r = calloc(1, sizeof(*r));

    if (r) {
        r->mode = "text";
        r->verdict = "tempfail";
    }
    return r;
}

/* report_free - release a report (NULL is fine) */
void report_free(report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nparts; i++) {
        report_part *p = &r->parts[i];
        free(p->path);
        free(p->filename);
        free(p->declared_type);
        free(p->detected_type);
        free(p->reason);
        free(p->charset);
        free(p->scan_name);
        free(p->note);
        free(p->note_detail);
    }
    for (size_t i = 0; i < r->nmembers; i++) {
        report_member *m = &r->members[i];
        free(m->path);
        free(m->name);
        free(m->detected_type);
        free(m->scan_name);
    }
    free(r->members);
    free(r->virus);
    free(r->av_database);
    for (size_t i = 0; i < r->nfindings; i++) {
        free(r->findings[i].path);
        free(r->findings[i].kind);
        free(r->findings[i].detail);
    }
    free(r->parts);
    free(r->findings);
    free(r->reason);
    free(r->subject);
    free(r->message_id);
    free(r->sha256);
    free(r);
}

/* report_grow - make room for one more element of an array */
static int report_grow(void **arr, size_t n, size_t *alloc, size_t size)
{
    if (n < *alloc)
        return 0;
    size_t na = *alloc ? *alloc * 2 : 8;
    void *p = realloc(*arr, na * size);
    if (!p)
        return -1;
    *arr = p;
    *alloc = na;
    return 0;
}

/* report_add_part - append a part entry and return it */
report_part *report_add_part(report *r, const char *path)
{
    if (report_grow((void **)&r->parts, r->nparts, &r->aparts, sizeof(*r->parts)) < 0)
        return NULL;
    report_part *p = &r->parts[r->nparts];
    memset(p, 0, sizeof(*p));
    if (!(p->path = strdup(path)))
        return NULL;
    r->nparts++;
    return p;
}

/* report_add_member - append an archive member entry */
report_member *report_add_member(report *r, size_t part, const char *path)
{
    if (report_grow((void **)&r->members, r->nmembers, &r->amembers, sizeof(*r->members)) < 0)
        return NULL;
    report_member *m = &r->members[r->nmembers];
    memset(m, 0, sizeof(*m));
    m->part = part;
    if (!(m->path = strdup(path)))
        return NULL;
    r->nmembers++;
    return m;
}

/* report_add_finding - append a finding */
int report_add_finding(report *r, const char *path, const char *kind,
                       const char *fmt, ...)
{
    va_list ap;
    char *detail = NULL;

    va_start(ap, fmt);
    int n = vasprintf(&detail, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if (report_grow((void **)&r->findings, r->nfindings, &r->afindings,
                    sizeof(*r->findings)) < 0) {
        free(detail);
        return -1;
    }
    report_finding *f = &r->findings[r->nfindings];
    f->path = strdup(path ? path : "");
    f->kind = strdup(kind);
    f->detail = detail;
    if (!f->path || !f->kind) {
        free(f->path);
        free(f->kind);
        free(detail);
        return -1;
    }
    r->nfindings++;
    return 0;
}

/* report_action_name - the action as a word */
const char *report_action_name(report_action a)
{
    switch (a) {
    case REPORT_BODY:		return "body";
    case REPORT_ALTERNATIVE:	return "alternative";
    case REPORT_REMOVED:	return "removed";
    case REPORT_KEPT:		return "kept";
    }
    return "unknown";
}

/* report_json_str - write a JSON string (or null), escaping controls */
static void report_json_str(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':  fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

/* report_write_json - write the report as one JSON object */
int report_write_json(const report *r, FILE *out)
{
    fputs("{\n  \"mode\": ", out);
    report_json_str(out, r->mode);
    fputs(",\n  \"verdict\": ", out);
    report_json_str(out, r->verdict);
    fputs(",\n  \"reason\": ", out);
    report_json_str(out, r->reason);
    fputs(",\n  \"message_id\": ", out);
    report_json_str(out, r->message_id);
    fputs(",\n  \"subject\": ", out);
    report_json_str(out, r->subject);
    fputs(",\n  \"sha256\": ", out);
    report_json_str(out, r->sha256);
    fprintf(out, ",\n  \"keep_original\": %s,\n  \"keep_reason\": ",
            r->keep_original ? "true" : "false");
    report_json_str(out, r->keep_reason);
    fputs(",\n  \"virus\": ", out);
    report_json_str(out, r->virus);
    fprintf(out, ",\n  \"viruses\": %u,\n  \"message_scan\": ", r->viruses);
    report_json_str(out, r->message_scan);
    fputs(",\n  \"av_database\": ", out);
    report_json_str(out, r->av_database);
    fprintf(out, ",\n  \"bytes_in\": %llu,\n  \"bytes_out\": %llu,\n"
            "  \"removed\": %u,\n  \"kept\": %u,\n  \"parts\": [",
            r->bytes_in, r->bytes_out, r->removed, r->kept);
    for (size_t i = 0; i < r->nparts; i++) {
        const report_part *p = &r->parts[i];
        fputs(i ? ",\n    {" : "\n    {", out);
        fputs("\"path\": ", out);
        report_json_str(out, p->path);
        fputs(", \"filename\": ", out);
        report_json_str(out, p->filename);
        fputs(", \"declared_type\": ", out);
        report_json_str(out, p->declared_type);
        fputs(", \"detected_type\": ", out);
        report_json_str(out, p->detected_type);
        fprintf(out, ", \"size\": %llu, \"sha256\": ", p->size);
        report_json_str(out, p->sha256);
        fputs(", \"action\": ", out);
        report_json_str(out, report_action_name(p->action));
        fputs(", \"reason\": ", out);
        report_json_str(out, p->reason);
        fputs(", \"charset\": ", out);
        report_json_str(out, p->charset);
        fputs(", \"scan\": ", out);
        report_json_str(out, p->scan);
        fputs(", \"scan_name\": ", out);
        report_json_str(out, p->scan_name);
        fputs(", \"class\": ", out);
        report_json_str(out, p->type_class);
        fputs(", \"rule\": ", out);
        report_json_str(out, p->rule);
        fputs(", \"archive\": ", out);
        report_json_str(out, p->archive);
        fputs(", \"note\": ", out);
        report_json_str(out, p->note);
        fputs(", \"note_detail\": ", out);
        report_json_str(out, p->note_detail);
        if (p->action == REPORT_ALTERNATIVE)
            fprintf(out, ", \"alt_lost\": %s", p->alt_lost ? "true" : "false");
        fputc('}', out);
    }
    fputs(r->nparts ? "\n  ],\n  \"members\": [" : "],\n  \"members\": [", out);
    for (size_t i = 0; i < r->nmembers; i++) {
        const report_member *m = &r->members[i];
        fputs(i ? ",\n    {" : "\n    {", out);
        fputs("\"path\": ", out);
        report_json_str(out, m->path);
        fputs(", \"name\": ", out);
        report_json_str(out, m->name);
        fputs(", \"detected_type\": ", out);
        report_json_str(out, m->detected_type);
        fprintf(out, ", \"size\": %llu, \"depth\": %u, \"encrypted\": %s, \"sha256\": ",
                m->size, m->depth, m->encrypted ? "true" : "false");
        report_json_str(out, m->encrypted ? NULL : m->sha256);
        fputs(", \"scan\": ", out);
        report_json_str(out, m->scan);
        fputs(", \"scan_name\": ", out);
        report_json_str(out, m->scan_name);
        fputs(", \"class\": ", out);
        report_json_str(out, m->type_class);
        fputs(", \"rule\": ", out);
        report_json_str(out, m->rule);
        fputc('}', out);
    }
    fputs(r->nmembers ? "\n  ],\n  \"findings\": [" : "],\n  \"findings\": [", out);
    for (size_t i = 0; i < r->nfindings; i++) {
        const report_finding *f = &r->findings[i];
        fputs(i ? ",\n    {" : "\n    {", out);
        fputs("\"path\": ", out);
        report_json_str(out, f->path);
        fputs(", \"kind\": ", out);
        report_json_str(out, f->kind);
        fputs(", \"detail\": ", out);
        report_json_str(out, f->detail);
        fputc('}', out);
    }
    fputs(r->nfindings ? "\n  ]\n}\n" : "]\n}\n", out);
    return ferror(out) ? -1 : 0;
}
