/*
 * NAME
 *	fuzz_htmltext - libFuzzer entry: arbitrary bytes through htmltext_convert
 * DESCRIPTION
 *	Each input is converted twice: with every URL kind defanged and no
 *	tight limit, and with policies, language and a small max_out chosen
 *	from a hash of the input (so corpus files stay plain HTML). Besides
 *	crashes, a broken promise of the output aborts: valid UTF-8, no
 *	control or invisible characters, LF line ends with no trailing
 *	spaces, no leading or doubled blank lines, the size limit, and under
 *	defang no live http/https/ftp scheme and nothing left for
 *	urlfilter_text to change.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>
#include "sanitizer/htmltext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* utf8_ok - s is valid UTF-8 without C0/C1 controls (but LF and TAB) or invisible characters */
static int utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; ) {
        unsigned c = s[i], cp, len;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
                return 0;
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            len = 2, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            len = 3, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            len = 4, cp = c & 0x07;
        else
            return 0;
        if (i + len > n)
            return 0;
        for (unsigned k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3fu);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0) ||
            (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff || cp == 0x2028 || cp == 0x2029)
            return 0;
        i += len;
    }
    return 1;
}

/* live_scheme - a scheme a mail client would turn into a link */
static int live_scheme(const char *s)
{
    for (; *s; s++)
        if (!strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8) ||
            !strncasecmp(s, "ftp://", 6))
            return 1;
    return 0;
}

/* check - convert once and abort on any broken promise */
static void check(const uint8_t *data, size_t size, const urlfilter_policy *p,
                  policy_lang lang, size_t max_out)
{
    htmltext_options o = { p, lang, max_out };
    size_t n = 0;
    int truncated = 0;
    char *out = htmltext_convert((const char *)data, size, &o, &n, &truncated);

    if (!out)
        abort();	/* out of memory is not expected at these sizes */
    if (strlen(out) != n || n > max_out || !utf8_ok((const unsigned char *)out, n))
        abort();
    if (n > 0 && (out[0] == '\n' || out[n - 1] != '\n' || (n > 1 && out[n - 2] == '\n')))
        abort();
    if (strstr(out, "\n\n\n") || strstr(out, " \n") || strstr(out, "\t\n"))
        abort();
    if (p->web == POLICY_URL_DEFANG && p->mailto == POLICY_URL_DEFANG &&
        p->tel == POLICY_URL_DEFANG) {
        size_t rn;
        char *again;
        if (live_scheme(out))
            abort();
        again = urlfilter_text(p, out, n, &rn);
        if (!again || rn != n || memcmp(again, out, n) != 0)
            abort();
        free(again);
    }
    free(out);
}

/* LLVMFuzzerTestOneInput - the libFuzzer entry point */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    static const size_t limits[] = { 1, 2, 64, 300, 4096 };
    uint32_t h = 2166136261u;
    urlfilter_policy all = { POLICY_URL_DEFANG, POLICY_URL_DEFANG, POLICY_URL_DEFANG, POLICY_LANG_JA };
    urlfilter_policy mixed;

    if (!ready) {
        xmlInitParser();
        ready = 1;
    }
    check(data, size, &all, POLICY_LANG_JA, 1u << 22);
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    mixed.web = (policy_url)(h % 3);
    mixed.mailto = (policy_url)((h / 3) % 3);
    mixed.tel = (policy_url)((h / 9) % 3);
    mixed.language = (policy_lang)((h / 27) % 2);
    check(data, size, &mixed, mixed.language, limits[(h / 54) % 5]);
    return 0;
}
