/*
 * NAME
 *	textmail - build the text-mode output message
 * DESCRIPTION
 *	The body is the notice followed by the collected text, wrapped, in
 *	UTF-8 (base64 unless it is plain ASCII) or, by policy, ISO-2022-JP
 *	(7bit) when the text survives a round trip; otherwise UTF-8 with a
 *	finding. Top-level header fields are kept in their order except the
 *	MIME fields the new body replaces and any X-Mugai-* a sender wrote;
 *	a field that is not clean (NUL, bare CR, undeclared 8-bit bytes, a
 *	line over 998 octets) is decoded and encoded again.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "sanitizer/textmail.h"
#include "sanitizer/charset.h"
#include "sanitizer/hdrdecode.h"
#include "sanitizer/hdrencode.h"
#include "sanitizer/limits.h"
#include "sanitizer/notice.h"
#include "sanitizer/textwrap.h"
#include "sanitizer/utf8.h"

/* Fields the new body replaces, dropped from the kept header block. */
static const char *const textmail_mime_fields[] = {
    "Content-Type", "Content-Transfer-Encoding", "MIME-Version",
    "Content-Disposition", "Content-ID", "Content-Description",
    "Content-Location", "Content-Base", "Content-MD5",
};

#define TEXTMAIL_OWN_PREFIX "X-Mugai-"

/* textmail_add_header - append one output field (takes value) */
static int textmail_add_header(engine_result *res, const char *name, char *value)
{
    engine_header *h = realloc(res->headers, (res->nheaders + 1) * sizeof(*h));
    if (!h || !value) {
        free(value);
        return -1;
    }
    res->headers = h;
    if (!(h[res->nheaders].name = strdup(name))) {
        free(value);
        return -1;
    }
    h[res->nheaders].value = value;
    res->nheaders++;
    return 0;
}

/* textmail_add_delete - remember a field name the milter must delete (once) */
static int textmail_add_delete(engine_result *res, const char *name)
{
    for (size_t i = 0; i < res->ndelete; i++)
        if (strcasecmp(res->delete_headers[i], name) == 0)
            return 0;
    char **d = realloc(res->delete_headers, (res->ndelete + 1) * sizeof(*d));
    if (!d)
        return -1;
    res->delete_headers = d;
    if (!(d[res->ndelete] = strdup(name)))
        return -1;
    res->ndelete++;
    return 0;
}

/* textmail_clean - the raw value is safe to pass on as it is */
static int textmail_clean(const char *raw, size_t len)
{
    size_t line = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c == 0)
            return 0;
        if (c == '\r' && (i + 1 >= len || raw[i + 1] != '\n'))
            return 0;
        if (c == '\n') {
            /* A continuation line must start with white space. */
            if (i + 1 < len && raw[i + 1] != ' ' && raw[i + 1] != '\t')
                return 0;
            line = 0;
            continue;
        }
        if (++line > LIMITS_LINE_OCTETS - 80)
            return 0;
    }
    return charset_is_utf8(raw, len);
}

/* textmail_normalize - raw folded value → LF line ends, no leading or final white space */
static char *textmail_normalize(const char *raw)
{
    while (*raw == ' ' || *raw == '\t')
        raw++;
    strbuf b = { 0 };
    for (const char *p = raw; *p; p++)
        if (*p != '\r')
            strbuf_append(&b, p, 1);
    while (b.len && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == ' ' || b.s[b.len - 1] == '\t'))
        b.s[--b.len] = 0;
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b, NULL);
}

/* textmail_is_address_field - fields whose value is an address list */
static int textmail_is_address_field(const char *name)
{
    static const char *const f[] = { "From", "To", "Cc", "Bcc", "Reply-To", "Sender",
                                     "Resent-From", "Resent-To", "Resent-Cc" };
    for (size_t i = 0; i < sizeof(f) / sizeof(*f); i++)
        if (strcasecmp(name, f[i]) == 0)
            return 1;
    return 0;
}

/* textmail_set_charset - name every address's charset (GMime 3.2.13 trips over none) */
static void textmail_set_charset(InternetAddressList *l)
{
    for (int i = 0; i < internet_address_list_length(l); i++) {
        InternetAddress *a = internet_address_list_get_address(l, i);
        internet_address_set_charset(a, "utf-8");
        if (INTERNET_ADDRESS_IS_GROUP(a))
            textmail_set_charset(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
    }
}

/* textmail_encode - encode a repaired field (address lists by GMime) and fold it */
static char *textmail_encode(const char *name, const char *utf8, const char *charset,
                             int address)
{
    GMimeFormatOptions *fo = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_UNIX);
    char *enc = NULL;
    if (address) {
        InternetAddressList *l = internet_address_list_parse(NULL, utf8);
        if (l)
            textmail_set_charset(l);
        if (l && internet_address_list_length(l) > 0)
            enc = internet_address_list_to_string(l, fo, TRUE);
        if (l)
            g_object_unref(l);
    }
    if (!enc)
        enc = g_mime_utils_header_encode_text(fo, utf8, charset);
    char *field = enc ? g_strdup_printf("%s: %s", name, enc) : NULL;
    char *folded = field ? (address ? g_mime_utils_structured_header_fold(NULL, fo, field)
                                    : g_mime_utils_unstructured_header_fold(NULL, fo, field))
                         : NULL;
    g_free(enc);
    g_free(field);
    g_mime_format_options_free(fo);
    if (!folded)
        return NULL;
    char *v = textmail_normalize(folded + strlen(name) + 1);
    g_free(folded);
    return v;
}

/* textmail_subject - decoded subject with the tag in front (once) */
static char *textmail_subject(const policy *p, const char *decoded)
{
    const char *tag = p->subject_tag ? p->subject_tag : "";
    if (!*tag || strncmp(decoded, tag, strlen(tag)) == 0)
        return strdup(decoded);
    char *s = NULL;
    if (asprintf(&s, "%s%s%s", tag, *decoded ? " " : "", decoded) < 0)
        return NULL;
    return s;
}

/* textmail_count - how many fields called name the message has */
static int textmail_count(GMimeHeaderList *hl, const char *name)
{
    int n = 0, c = hl ? g_mime_header_list_get_count(hl) : 0;
    for (int i = 0; i < c; i++)
        n += strcasecmp(g_mime_header_get_name(g_mime_header_list_get_header_at(hl, i)),
                        name) == 0;
    return n;
}

/* textmail_from_ok - exactly one From, and it names a mailbox */
static int textmail_from_ok(GMimeHeaderList *hl)
{
    if (textmail_count(hl, "From") != 1)
        return 0;
    const char *raw = g_mime_header_get_raw_value(g_mime_header_list_get_header(hl, "From"));
    char *dec = raw ? hdrdecode_text(raw, strlen(raw)) : NULL;
    InternetAddressList *l = dec ? internet_address_list_parse(NULL, dec) : NULL;
    int ok = 0;
    for (int i = 0; l && i < internet_address_list_length(l) && !ok; i++) {
        InternetAddress *a = internet_address_list_get_address(l, i);
        const char *addr = INTERNET_ADDRESS_IS_MAILBOX(a)
                               ? internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a))
                               : NULL;
        ok = addr && strchr(addr, '@') && addr[0] != '@';
    }
    if (l)
        g_object_unref(l);
    free(dec);
    return ok;
}

/* textmail_envelope_from - the From shown when the message's own cannot be:
 *	the envelope sender, marked as such, when it is a plain address */
static char *textmail_envelope_from(const engine_ctx *e)
{
    int en = e->pol->language == POLICY_LANG_EN;
    const char *s = e->env_sender ? e->env_sender : "";
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
        s++;
        len -= 2;
    }
    int ok = len > 0 && len < 256 && memchr(s, '@', len) && s[0] != '@';
    for (size_t i = 0; ok && i < len; i++)
        ok = s[i] > 32 && s[i] < 127 && !strchr("<>()[]\\,;:\"", s[i]);
    /* Encoded by hand: GMime's folding may break an address at a dot. */
    GMimeFormatOptions *fo = g_mime_format_options_new();
    char *phrase = g_mime_utils_header_encode_phrase(
        fo, ok ? (en ? "(envelope sender)" : "（エンベロープ送信者）")
               : (en ? "(unknown sender)" : "（差出人不明）"), "utf-8");
    g_mime_format_options_free(fo);
    char *v = NULL;
    if (!phrase)
        return NULL;
    if (!ok) {
        s = "unknown-sender@invalid";
        len = strlen(s);
    }
    /* One line when it fits after "From: ", else the address on a continuation line. */
    if (asprintf(&v, "%s%s<%.*s>", phrase,
                 strlen(phrase) + len + 9 > LIMITS_HEADER_LINE ? "\n " : " ",
                 (int)len, s) < 0)
        v = NULL;
    g_free(phrase);
    return v;
}

/* textmail_received_time - when the topmost Received field says the mail
 *	arrived (the gateway's own, in the milter), or 0 */
static long long textmail_received_time(GMimeHeaderList *hl)
{
    GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, "Received") : NULL;
    const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;
    const char *semi = raw ? strrchr(raw, ';') : NULL;
    GDateTime *dt = semi ? g_mime_utils_header_decode_date(semi + 1) : NULL;
    long long t = dt ? (long long)g_date_time_to_unix(dt) : 0;
    if (dt)
        g_date_time_unref(dt);
    return t > 0 ? t : 0;
}

/* textmail_date_now - a Date field value for when the mail arrived, else
 *	the time of the run (C locale names) */
static char *textmail_date_now(const engine_ctx *e, GMimeHeaderList *hl)
{
    static const char *const day[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    long long rt = textmail_received_time(hl);
    time_t t = (time_t)(rt ? rt : e->now);
    struct tm tm;
    char *v = NULL;
    if (!gmtime_r(&t, &tm) ||
        asprintf(&v, "%s, %d %s %d %02d:%02d:%02d +0000", day[tm.tm_wday % 7], tm.tm_mday,
                 mon[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec) < 0)
        return NULL;
    return v;
}

/* textmail_required - From, To and Date the message lacks (Subject is done by the caller) */
static int textmail_required(engine_ctx *e, GMimeHeaderList *hl, int from_ok,
                             engine_result *res)
{
    if (!from_ok) {
        if (textmail_add_delete(res, "From") < 0 ||
            textmail_add_header(res, "From", textmail_envelope_from(e)) < 0)
            return -1;
        report_add_finding(e->rep, "", "from-replaced",
                           "no single valid From field; the envelope sender is shown");
    }
    if (textmail_count(hl, "To") == 0) {
        if (textmail_add_header(res, "To", strdup("undisclosed-recipients:;")) < 0)
            return -1;
        report_add_finding(e->rep, "", "to-added", "no To field; one was added");
    }
    if (textmail_count(hl, "Date") == 0) {
        if (textmail_add_header(res, "Date", textmail_date_now(e, hl)) < 0)
            return -1;
        report_add_finding(e->rep, "", "date-added", "no Date field; the time of arrival was added");
    }
    return 0;
}

/* textmail_from_note - the original From fields, for the notice, when they are not shown */
static char *textmail_from_note(GMimeHeaderList *hl)
{
    strbuf b = { 0 };
    int c = hl ? g_mime_header_list_get_count(hl) : 0;
    for (int i = 0; i < c; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        if (strcasecmp(g_mime_header_get_name(h), "From") != 0)
            continue;
        const char *raw = g_mime_header_get_raw_value(h);
        char *dec = hdrdecode_text(raw ? raw : "", raw ? strlen(raw) : 0);
        if (dec && strlen(dec) > LIMITS_FROM_NOTE)
            dec[LIMITS_FROM_NOTE] = 0;	/* notice_visible shows a cut character as <XX> */
        if (b.len)
            strbuf_puts(&b, " / ");
        strbuf_puts(&b, dec ? dec : "");
        free(dec);
    }
    return b.oom ? (strbuf_free(&b), NULL) : strbuf_steal(&b, NULL);
}

/* textmail_headers - the output header block */
static int textmail_headers(engine_ctx *e, GMimeMessage *msg, engine_result *res)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    int n = hl ? g_mime_header_list_get_count(hl) : 0;
    int jis = e->pol->output_charset == POLICY_CHARSET_ISO2022JP;
    int have_subject = 0, from_ok = textmail_from_ok(hl);

    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        const char *name = g_mime_header_get_name(h);
        const char *raw = g_mime_header_get_raw_value(h);
        int drop = strncasecmp(name, TEXTMAIL_OWN_PREFIX, strlen(TEXTMAIL_OWN_PREFIX)) == 0 ||
                   (!from_ok && strcasecmp(name, "From") == 0);
        for (size_t k = 0; !drop && k < sizeof(textmail_mime_fields) / sizeof(char *); k++)
            drop = strcasecmp(name, textmail_mime_fields[k]) == 0;
        if (!raw)
            raw = "";
        if (drop) {
            if (textmail_add_delete(res, name) < 0)
                return -1;
            continue;
        }
        char *value;
        if (strcasecmp(name, "Subject") == 0 && !have_subject) {
            have_subject = 1;
            char *dec = hdrdecode_text(raw, strlen(raw));
            char *tagged = dec ? textmail_subject(e->pol, dec) : NULL;
            if (dec && !e->rep->subject)
                e->rep->subject = strdup(dec);
            value = tagged ? hdrencode_text(tagged, jis, strlen("Subject")) : NULL;
            free(dec);
            free(tagged);
        } else if (textmail_clean(raw, strlen(raw))) {
            value = textmail_normalize(raw);
        } else {
            char *dec = hdrdecode_text(raw, strlen(raw));
            value = dec ? textmail_encode(name, dec, "utf-8", textmail_is_address_field(name))
                        : NULL;
            free(dec);
            report_add_finding(e->rep, "", "header-repaired",
                               "header field %.60s was not clean and was re-encoded", name);
        }
        if (strcasecmp(name, "Message-ID") == 0 && !e->rep->message_id && value)
            e->rep->message_id = strdup(value);
        if (textmail_add_header(res, name, value) < 0)
            return -1;
    }
    if (textmail_required(e, hl, from_ok, res) < 0)
        return -1;
    if (!have_subject &&
        textmail_add_header(res, "Subject",
                            hdrencode_text(e->pol->subject_tag && *e->pol->subject_tag
                                               ? e->pol->subject_tag
                                               : e->pol->language == POLICY_LANG_EN
                                                     ? "(no subject)" : "（件名なし）",
                                           jis, strlen("Subject"))) < 0)
        return -1;
    return 0;
}

/* textmail_body_fields - the fields that describe the new body, and the result */
static int textmail_body_fields(engine_ctx *e, engine_result *res, const char *ctype,
                                const char *cte)
{
    char *result = NULL;
    if (asprintf(&result, "mode=%s; removed=%u; parts=%zu; findings=%zu",
                 e->rep->mode, e->rep->removed, e->rep->nparts, e->rep->nfindings) < 0)
        return -1;
    if (textmail_add_header(res, "MIME-Version", strdup("1.0")) < 0 ||
        textmail_add_header(res, "Content-Type", strdup(ctype)) < 0 ||
        textmail_add_header(res, "Content-Transfer-Encoding", strdup(cte)) < 0 ||
        textmail_add_header(res, "X-Mugai-Result", result) < 0)
        return -1;
    return 0;
}

/* textmail_base64 - base64 in lines of 76, each ended by eol */
static int textmail_base64(const unsigned char *in, size_t len, const char *eol, strbuf *out)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char line[80];
    size_t l = 0;

    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        line[l++] = al[(v >> 18) & 63];
        line[l++] = al[(v >> 12) & 63];
        line[l++] = i + 1 < len ? al[(v >> 6) & 63] : '=';
        line[l++] = i + 2 < len ? al[v & 63] : '=';
        if (l == 76) {
            strbuf_append(out, line, l);
            strbuf_puts(out, eol);
            l = 0;
        }
    }
    if (l) {
        strbuf_append(out, line, l);
        strbuf_puts(out, eol);
    }
    return out->oom ? -1 : 0;
}

/* textmail_eol - copy text converting LF to eol */
static int textmail_eol(const char *s, size_t len, const char *eol, strbuf *out)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        strbuf_append(out, p, n);
        if (nl)
            strbuf_puts(out, eol);
        p += n + (nl != NULL);
    }
    return out->oom ? -1 : 0;
}

/* textmail_max_line - longest line in octets */
static size_t textmail_max_line(const char *s, size_t len)
{
    size_t max = 0, cur = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            cur = 0;
            continue;
        }
        if (++cur > max)
            max = cur;
    }
    return max;
}

/* textmail_ascii - 1 if every octet is 7-bit */
static int textmail_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* textmail_header_bytes - octets of the output header block so far */
static size_t textmail_header_bytes(const engine_result *res)
{
    size_t n = 1;	/* the empty line */
    for (size_t i = 0; i < res->nheaders; i++)
        n += strlen(res->headers[i].name) + strlen(res->headers[i].value) + 4;
    return n;
}

/*
 * textmail_body - notice and the first keep octets of the text, wrapped
 * and encoded into *out; *fallback is set when ISO-2022-JP was asked for
 * and could not carry the text.
 */
static int textmail_body(engine_ctx *e, const notice_info *ni, const strbuf *body,
                         size_t keep, const char *eol, strbuf *out, const char **ctype,
                         const char **cte, int *fallback)
{
    strbuf full = { 0 };
    size_t nlen = 0, wlen = 0, jlen = 0;
    char *notice = NULL, *wrapped = NULL, *jis = NULL;
    int rc = -1;

    *fallback = 0;
    if (!(notice = notice_build(e->rep, e->pol->language, ni, &nlen)))
        goto done;
    strbuf_append(&full, notice, nlen);
    if (keep)
        strbuf_append(&full, body->s, keep);
    else
        strbuf_puts(&full, e->pol->language == POLICY_LANG_EN ? "(no text body)" : "（本文なし）");
    strbuf_puts(&full, "\n");
    if (full.oom || !(wrapped = textwrap(full.s, full.len, e->pol->wrap_width, &wlen)))
        goto done;
    if (e->pol->output_charset == POLICY_CHARSET_ISO2022JP &&
        (jis = charset_utf8_to_iso2022jp(wrapped, wlen, &jlen)) != NULL &&
        textmail_max_line(jis, jlen) <= LIMITS_LINE_OCTETS) {
        *ctype = "text/plain; charset=ISO-2022-JP";
        *cte = "7bit";
        textmail_eol(jis, jlen, eol, out);
    } else {
        *fallback = e->pol->output_charset == POLICY_CHARSET_ISO2022JP;
        *ctype = "text/plain; charset=UTF-8";
        if (textmail_ascii(wrapped, wlen)) {
            *cte = "7bit";
            textmail_eol(wrapped, wlen, eol, out);
        } else {
            *cte = "base64";
            textmail_base64((const unsigned char *)wrapped, wlen, eol, out);
        }
    }
    rc = out->oom ? -1 : 0;
done:
    free(notice);
    free(wrapped);
    free(jis);
    strbuf_free(&full);
    return rc;
}

/*
 * textmail_build - the complete text-mode output. The header block comes
 * first, so that the body can be sized to what is left of max_output_size:
 * when the whole would be larger, the text is cut (to the share that fits,
 * a few rounds at most) and the notice says so.
 */
int textmail_build(engine_ctx *e, GMimeMessage *msg, strbuf *body, int crlf,
                   engine_result *res)
{
    const char *eol = crlf ? "\r\n" : "\n";
    notice_info ni = { .html_converted = e->html_converted, .truncated = e->text_cut,
                       .text_limit = e->pol->max_text_size, .vault_id = e->vault_id,
                       .alt_lost = e->alt_lost };
    strbuf out = { 0 };
    char *from_note = NULL;
    const char *ctype = NULL, *cte = NULL;
    size_t keep = body->len, limit = e->pol->max_output_size;
    int rc = -1, fallback = 0;

    e->rep->removed = 0;
    for (size_t i = 0; i < e->rep->nparts; i++)
        if (e->rep->parts[i].action == REPORT_REMOVED)
            e->rep->removed++;
    GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    if (!textmail_from_ok(hl) && !(ni.from_note = from_note = textmail_from_note(hl)))
        goto oom;
    if (textmail_headers(e, msg, res) < 0)
        goto oom;
    size_t hbytes = textmail_header_bytes(res) + LIMITS_OUTPUT_MIME_FIELDS;
    for (int round = 0;; round++) {
        out.len = 0;
        if (textmail_body(e, &ni, body, keep, eol, &out, &ctype, &cte, &fallback) < 0)
            goto oom;
        if (hbytes < limit && out.len <= limit - hbytes)
            break;
        if (keep == 0 || hbytes >= limit || round >= LIMITS_OUTPUT_ROUNDS) {
            engine_fail(e, ENGINE_STOP_LIMIT, "the sanitized message would be larger than "
                        "max_output_size (%zu bytes) even without its text", limit);
            goto done;
        }
        /* Scale the text by the share that fits, with a margin; at least a tenth less. */
        size_t want = (size_t)((double)keep * (double)(limit - hbytes) / (double)out.len * 0.95);
        if (want >= keep - keep / 10)
            want = keep - keep / 10 - 1;
        keep = want ? utf8_cut(body->s, want) : 0;
        e->text_cut = ni.truncated = 1;
        ni.text_limit = keep;
    }
    if (fallback)
        report_add_finding(e->rep, "", "iso-2022-jp-fallback",
                           "text cannot be carried in ISO-2022-JP; delivered as UTF-8");
    if (textmail_body_fields(e, res, ctype, cte) < 0)
        goto oom;
    res->body = strbuf_steal(&out, &res->body_len);
    e->rep->bytes_out = res->body_len;
    rc = 0;
    goto done;
oom:
    engine_fail(e, ENGINE_STOP_ERROR, "out of memory while building the output");
done:
    free(from_note);
    strbuf_free(&out);
    return rc;
}
