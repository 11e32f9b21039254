/*
 * NAME
 *	render - a vaulted original shown safely on a terminal
 * DESCRIPTION
 *	See render.h. The engine's output body is in its transfer encoding
 *	(base64 for UTF-8 text); it is decoded here before escaping.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sanitizer/decode.h"
#include "sanitizer/engine.h"
#include "sanitizer/hdrdecode.h"
#include "vault/render.h"

/* render_utf8 - code point and length of the UTF-8 sequence at p, or 0 */
static size_t render_utf8(const unsigned char *p, size_t n, unsigned *cp)
{
    size_t len;
    unsigned min;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xe0) == 0xc0) { len = 2; min = 0x80; *cp = p[0] & 0x1f; }
    else if ((p[0] & 0xf0) == 0xe0) { len = 3; min = 0x800; *cp = p[0] & 0x0f; }
    else if ((p[0] & 0xf8) == 0xf0) { len = 4; min = 0x10000; *cp = p[0] & 0x07; }
    else return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        *cp = *cp << 6 | (p[i] & 0x3f);
    }
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return len;
}

/* render_escape - text with controls (newline and tab kept unless oneline),
 *	bidi controls and bad bytes escaped */
static int render_escape(FILE *out, const char *s, size_t len, int oneline)
{
    const unsigned char *p = (const unsigned char *)s;
    while (len > 0) {
        unsigned cp;
        size_t l = render_utf8(p, len, &cp);
        if (l == 0) {
            fprintf(out, "<0x%02X>", *p);
            p++, len--;
            continue;
        }
        if ((cp < 0x20 && (oneline || (cp != '\n' && cp != '\t'))) ||
            (cp >= 0x7f && cp <= 0x9f) ||
            (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff)
            fprintf(out, "<U+%04X>", cp);
        else
            fwrite(p, 1, l, out);
        p += l, len -= l;
    }
    return ferror(out) ? -1 : 0;
}

/* render_safe - text with controls, bidi controls and bad bytes escaped */
int render_safe(FILE *out, const char *s, size_t len)
{
    return render_escape(out, s, len, 0);
}

/* render_line - one field of one line, newline and tab escaped too */
int render_line(FILE *out, const char *s, size_t len)
{
    return render_escape(out, s, len, 1);
}

/* render_header - value of the first header field called name, or NULL */
static const char *render_header(const engine_result *res, const char *name)
{
    for (size_t i = 0; i < res->nheaders; i++)
        if (strcasecmp(res->headers[i].name, name) == 0)
            return res->headers[i].value;
    return NULL;
}

/* render_body - the body, base64-decoded when the engine encoded it */
static int render_body(const engine_result *res, FILE *out)
{
    const char *cte = render_header(res, "Content-Transfer-Encoding");
    if (!cte || strcasecmp(cte, "base64") != 0)
        return render_safe(out, res->body ? res->body : "", res->body_len);
    unsigned char *dec = malloc(res->body_len * 3 / 4 + 4);
    if (!dec)
        return -1;
    unsigned state = 0;
    decode_info info;
    memset(&info, 0, sizeof(info));
    size_t n = decode_base64_step((const unsigned char *)res->body, res->body_len, dec,
                                  &state, &info);
    int rc = render_safe(out, (const char *)dec, n);
    free(dec);
    return rc;
}

/* render_text - text mode on fd, written safely */
int render_text(const policy *p, int fd, FILE *out, char *err, size_t errlen)
{
    static const char *const fields[] = { "From", "To", "Cc", "Date", "Subject", "Message-ID" };
    policy view;
    engine_result res;
    engine_options eo = { .crlf = 0 };
    policy_view(p, POLICY_MODE_TEXT, &view);
    view.output_charset = POLICY_CHARSET_UTF8;	/* the terminal's, not LGWAN's */
    if (engine_run(&view, NULL, fd, &eo, &res) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    if (res.verdict != ENGINE_SANITIZED) {
        fprintf(out, "(no text rendering: text mode gives '%s'",
                engine_verdict_name(res.verdict));
        if (res.reason) {
            fputs(": ", out);
            render_safe(out, res.reason, strlen(res.reason));
        }
        fputs(")\n", out);
        rc = 1;
        goto done;
    }
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *v = render_header(&res, fields[i]);
        if (!v)
            continue;
        char *d = hdrdecode_text(v, strlen(v));
        if (!d) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            goto done;
        }
        fprintf(out, "%s: ", fields[i]);
        render_safe(out, d, strlen(d));
        fputc('\n', out);
        free(d);
    }
    fputc('\n', out);
    if (render_body(&res, out) < 0) {
        snprintf(err, errlen, "cannot write the rendering");
        rc = -1;
    }
done:
    engine_result_free(&res);
    return rc;
}
