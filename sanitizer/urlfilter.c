/*
 * NAME
 *	urlfilter - keep, defang or remove link targets in text output
 * DESCRIPTION
 *	Defanging breaks every pattern that mail clients turn into a live
 *	link: the scheme (hxxps://, fxp://), the dots of a host (www[.]),
 *	the at sign of an address (a[@]b[.]example) and the colon of tel:.
 *	Removing replaces the whole target by a marker in the policy's
 *	language, so the reader still sees that something was there.
 *
 *	One link policy for text and HTML: web URLs, mailto: and tel: follow
 *	the configured policy; every other scheme is made harmless whatever
 *	the policy says. Schemes that carry code (javascript:, vbscript:,
 *	data:) are removed; the others that open files, shares, directories
 *	or local programs (file:, smb:, ftps:, ldap:, search-ms:, ms-*:, ...,
 *	and UNC paths \\host\share) are defanged, or removed when web URLs
 *	are. Plain text is searched for the listed ones; an HTML link with
 *	any scheme that is not http, https, ftp, mailto or tel is defanged.
 *
 *	urlfilter_text is idempotent: text that it produced is left as it
 *	is when filtered again. Two rules make that hold: a URL ends where
 *	another scheme begins (so "?u=https://..." is filtered on its own),
 *	and already defanged URLs (hxxps://, www[.]) are recognised and
 *	copied whole, so that nothing inside them is looked at twice.
 */
#include <stdlib.h>
#include <string.h>

#include "sanitizer/strbuf.h"
#include "sanitizer/urlfilter.h"

/* What a match in text is, and how it is rendered. */
enum kind {
    KIND_WEB,		/* http://, https://, ftp:// */
    KIND_WWW,		/* www.host without a scheme */
    KIND_MAILTO,	/* mailto:local@domain */
    KIND_TEL,		/* tel:+81-... */
    KIND_ALWAYS,	/* a scheme that is always made harmless, or a UNC path */
    KIND_CODE,		/* a scheme that carries code: always removed */
    KIND_DONE		/* already defanged: copied as it is */
};

/* Schemes that are live in text, with their defanged spelling. */
static const struct {
    const char *live;
    const char *dead;
} web_schemes[] = {
    { "https://", "hxxps://" },
    { "http://", "hxxp://" },
    { "ftp://", "fxp://" },
};

/* Link targets that lead nowhere useful for a reader, or run code: not listed. */
static const char *const unlisted_schemes[] = {
    "javascript", "vbscript", "livescript", "data", "about", "cid",
};

/*
 * Schemes that are always made harmless, whatever the policy (README,
 * mugai.conf(5)): those that carry code are removed, the others are
 * defanged. Every "ms-" scheme (ms-msdt:, ms-officecmd:, ms-word:, ...)
 * is defanged too.
 */
static const struct {
    const char *name;
    int		code;
} always_schemes[] = {
    { "javascript", 1 }, { "vbscript", 1 }, { "livescript", 1 }, { "data", 1 },
    { "file", 0 }, { "smb", 0 }, { "cifs", 0 }, { "nfs", 0 }, { "afp", 0 }, { "webdav", 0 },
    { "ftps", 0 }, { "sftp", 0 }, { "tftp", 0 }, { "ldap", 0 }, { "ldaps", 0 },
    { "search-ms", 0 }, { "search", 0 }, { "jar", 0 }, { "mhtml", 0 }, { "mk", 0 },
    { "its", 0 }, { "res", 0 }, { "shell", 0 }, { "hcp", 0 }, { "help", 0 },
    { "telnet", 0 }, { "jnlp", 0 },
};

/* lower - ASCII lower case, locale independent */
static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* is_alpha - ASCII letter */
static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* is_alnum - ASCII letter or digit */
static int is_alnum(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* is_url_char - may appear inside a URL in running text (RFC 3986 plus %) */
static int is_url_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("\"<>\\^`{|}", c);
}

/* is_local_char - may appear in the local part of a mailto: address */
static int is_local_char(unsigned char c)
{
    return is_alnum(c) || (c && strchr("._%+-", c));
}

/* is_domain_char - may appear in the domain of a mailto: address */
static int is_domain_char(unsigned char c)
{
    return is_alnum(c) || c == '.' || c == '-';
}

/* is_tel_char - may appear in a tel: number in running text (digits and separators) */
static int is_tel_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c && strchr("+-.()*#", c));
}

/* ci_prefix - length of lit if s (n bytes) starts with it, ignoring case */
static size_t ci_prefix(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);

    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (lower((unsigned char)s[i]) != (unsigned char)lit[i])
            return 0;
    return k;
}

static size_t scheme_len(const char *u, size_t n);

/* always_kind - KIND_CODE or KIND_ALWAYS for a scheme (slen bytes at u) on the list, else 0 */
static int always_kind(const char *u, size_t slen)
{
    if (ci_prefix(u, slen, "ms-"))
        return KIND_ALWAYS;
    for (size_t i = 0; i < sizeof(always_schemes) / sizeof(always_schemes[0]); i++)
        if (strlen(always_schemes[i].name) == slen && ci_prefix(u, slen, always_schemes[i].name))
            return always_schemes[i].code ? KIND_CODE : KIND_ALWAYS;
    return 0;
}

/* is_path_char - may appear in a file or share path in running text (backslash too) */
static int is_path_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("\"<>^`{|}", c);
}

/* is_unc - "\\host", "\\?\" or "\\.\" at s: a share or device path */
static int is_unc(const char *s, size_t n)
{
    return n >= 3 && s[0] == '\\' && s[1] == '\\' &&
           (is_alnum((unsigned char)s[2]) || s[2] == '?' || s[2] == '.' || s[2] == '[');
}

/* scheme_start - length of a scheme that starts a new URL at s, or 0 */
static size_t scheme_start(const char *s, size_t n)
{
    static const char *const starts[] = {
        "https://", "http://", "ftp://", "hxxps://", "hxxp://", "fxp://", "mailto:",
    };
    size_t k;

    if (n == 0 || !s[0] || !strchr("hHfFmM", s[0]))
        return 0;
    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
        if ((k = ci_prefix(s, n, starts[i])) != 0)
            return k;
    return 0;
}

/*
 * word_start - no letter, digit or address punctuation just before s[i];
 * ']' counts as punctuation so that defanging "x.tel:" to "x[.]tel:"
 * does not make a new word start
 */
static int word_start(const char *s, size_t i)
{
    unsigned char c;

    if (i == 0)
        return 1;
    c = (unsigned char)s[i - 1];
    return c >= 0x80 || (!is_alnum(c) && !(c && strchr("-._@]", c)));
}

/* trim_end - drop trailing punctuation that ends a sentence, not the URL */
static size_t trim_end(const char *s, size_t start, size_t end)
{
    size_t open_paren = 0, close_paren = 0, open_br = 0, close_br = 0;

    for (size_t i = start; i < end; i++) {
        switch (s[i]) {
        case '(': open_paren++; break;
        case ')': close_paren++; break;
        case '[': open_br++; break;
        case ']': close_br++; break;
        default: break;
        }
    }
    while (end > start) {
        char c = s[end - 1];
        if (c == ')' && close_paren > open_paren)
            close_paren--;
        else if (c == ']' && close_br > open_br)
            close_br--;
        else if (!c || !strchr(".,;:!?'", c))
            break;
        end--;
    }
    return end;
}

/* run_end - end of a run of ok characters from i, stopping where a new scheme starts */
static size_t run_end(const char *s, size_t n, size_t i, int (*ok)(unsigned char))
{
    while (i < n && ok((unsigned char)s[i]) && !scheme_start(s + i, n - i))
        i++;
    return i;
}

/*
 * match_mailto - end of "mailto:local@domain[?query]" at s[i], or 0. An
 * address cut short by another scheme is taken as it is: defanging that
 * one (mailto: loses its scheme) could otherwise complete this one.
 */
static size_t match_mailto(const char *s, size_t n, size_t i)
{
    size_t j = i + 7, local = j, domain, dend, q;

    j = run_end(s, n, j, is_local_char);
    if (j == local || j >= n || s[j] != '@')
        return 0;
    domain = ++j;
    j = run_end(s, n, j, is_domain_char);
    if (j < n && scheme_start(s + j, n - j))
        return j;
    dend = trim_end(s, domain, j);
    if (dend == domain)
        return 0;
    if (j < n && s[j] == '?') {
        q = run_end(s, n, j + 1, is_url_char);
        if (q < n && scheme_start(s + q, n - q))
            return q;
        return trim_end(s, domain, q);
    }
    return dend;
}

/*
 * match_at - whether a URL starts at s[i]; sets its kind, the length of
 * its prefix and its end
 */
static int match_at(const char *s, size_t n, size_t i, enum kind *kind,
                    size_t *plen, size_t *end)
{
    const char *p = s + i;
    size_t left = n - i, k, e;

    if (*p == '\\' && is_unc(p, left) && (i == 0 || s[i - 1] != '\\') && word_start(s, i)) {
        *kind = KIND_ALWAYS;
        *plen = 2;
        *end = trim_end(s, i + 2, run_end(s, n, i + 2, is_path_char));
        return 1;
    }
    /* what put_always wrote ("[\\\\]host", "file[:]//...") is copied whole */
    if (is_alpha((unsigned char)*p) && word_start(s, i)) {
        for (k = 0; k < left && k < 32 && (is_alnum((unsigned char)p[k]) || strchr("+-.", p[k])); k++)
            ;
        if (k + 3 <= left && memcmp(p + k, "[:]", 3) == 0 && always_kind(p, k) == KIND_ALWAYS) {
            *kind = KIND_DONE;
            *plen = k + 3;
            goto url_path;
        }
    }
    if (ci_prefix(p, left, "[\\\\]")) {
        *kind = KIND_DONE;
        *plen = 4;
        goto url_path;
    }
    /* a listed scheme right before anything but a blank; the target runs
     * to the end of the path, which may be empty ("ms-officecmd:{...}") */
    if (is_alpha((unsigned char)*p) && word_start(s, i) &&
        (k = scheme_len(p, left < 32 ? left : 32)) != 0 && (e = (size_t)always_kind(p, k)) != 0 &&
        k + 1 < left && (unsigned char)p[k + 1] > 0x20) {
        size_t stop = trim_end(s, i + k + 1, run_end(s, n, i + k + 1, is_path_char));
        /* "data:" in prose is a word; a data URL has its comma */
        if (!(ci_prefix(p, left, "data:") && !memchr(p, ',', stop - i))) {
            *kind = (enum kind)e;
            *plen = k + 1;
            *end = stop;
            return 1;
        }
    }
    switch (lower((unsigned char)*p)) {
    case 'h':
    case 'f':
        for (size_t w = 0; w < sizeof(web_schemes) / sizeof(web_schemes[0]); w++) {
            if ((k = ci_prefix(p, left, web_schemes[w].live)) != 0) {
                *kind = KIND_WEB;
                *plen = k;
                goto url;
            }
            if ((k = ci_prefix(p, left, web_schemes[w].dead)) != 0) {
                *kind = KIND_DONE;
                *plen = k;
                goto url;
            }
        }
        return 0;
    case 'w':
        if (!word_start(s, i))
            return 0;
        if ((k = ci_prefix(p, left, "www.")) != 0 && k < left && is_alnum((unsigned char)p[k])) {
            *kind = KIND_WWW;
            *plen = k;
            goto url;
        }
        if ((k = ci_prefix(p, left, "www[.]")) != 0) {
            *kind = KIND_DONE;
            *plen = k;
            goto url;
        }
        return 0;
    case 'm':
        if (!ci_prefix(p, left, "mailto:") || (e = match_mailto(s, n, i)) == 0)
            return 0;
        *kind = KIND_MAILTO;
        *plen = 7;
        *end = e;
        return 1;
    case 't':
        if (!word_start(s, i) || !(k = ci_prefix(p, left, "tel:")))
            return 0;
        /* "tel:" right before another scheme is taken alone: defanging that
         * one (mailto: loses its scheme) could otherwise complete it */
        if (k < left && scheme_start(p + k, left - k)) {
            e = i + k;
        } else {
            if (k >= left || !p[k] || !strchr("+0123456789(", p[k]))
                return 0;
            e = trim_end(s, i + k, run_end(s, n, i + k, is_tel_char));
            if (e == i + k)
                return 0;
        }
        *kind = KIND_TEL;
        *plen = k;
        *end = e;
        return 1;
    default:
        return 0;
    }
url:
    /* a scheme with nothing after it is taken too, so no live prefix is left
     * in front of whatever follows (a marker, another URL) */
    *end = trim_end(s, i + *plen, run_end(s, n, i + *plen, is_url_char));
    return 1;
url_path:
    *end = trim_end(s, i + *plen, run_end(s, n, i + *plen, is_path_char));
    return 1;
}

/* marker - what a removed target is replaced by */
static const char *marker(const urlfilter_policy *p, enum kind k)
{
    int en = p->language == POLICY_LANG_EN;

    switch (k) {
    case KIND_MAILTO: return en ? "[address removed]" : "[メールアドレス削除]";
    case KIND_TEL: return en ? "[phone number removed]" : "[電話番号削除]";
    default: return en ? "[URL removed]" : "[URL削除]";
    }
}

/* policy_for - the policy that applies to one kind of target */
static policy_url policy_for(const urlfilter_policy *p, enum kind k)
{
    switch (k) {
    case KIND_MAILTO: return p->mailto;
    case KIND_TEL: return p->tel;
    case KIND_DONE: return POLICY_URL_KEEP;
    case KIND_CODE: return POLICY_URL_REMOVE;
    /* keep does not apply: these are defanged at least */
    case KIND_ALWAYS: return p->web == POLICY_URL_REMOVE ? POLICY_URL_REMOVE : POLICY_URL_DEFANG;
    default: return p->web;
    }
}

/*
 * put_host - append a host with its dots defanged; a dot that is already
 * "[.]" stays as it is, and the full-width dots that browsers accept in
 * host names are defanged too
 */
static void put_host(strbuf *b, const char *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char *u = (const unsigned char *)h + i;
        if (h[i] == '.') {
            if (i > 0 && h[i - 1] == '[' && i + 1 < n && h[i + 1] == ']')
                strbuf_append(b, ".", 1);
            else
                strbuf_puts(b, "[.]");
        } else if (i + 2 < n && ((u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x82) ||	/* U+3002 */
                                 (u[0] == 0xef && u[1] == 0xbc && u[2] == 0x8e) ||	/* U+FF0E */
                                 (u[0] == 0xef && u[1] == 0xbd && u[2] == 0xa1))) {	/* U+FF61 */
            strbuf_puts(b, "[.]");
            i += 2;
        } else {
            strbuf_append(b, h + i, 1);
        }
    }
}

/* host_len - length of the authority part at h: up to the path, query or fragment */
static size_t host_len(const char *h, size_t n)
{
    size_t i = 0;

    while (i < n && !(h[i] && strchr("/\\?#", h[i])))
        i++;
    return i;
}

/* put_dead - append text with ':', '.' and '@' defanged (addresses, unknown schemes) */
static void put_dead(strbuf *b, const char *s, size_t n, int dots)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':')
            strbuf_puts(b, "[:]");
        else if (s[i] == '@')
            strbuf_puts(b, "[@]");
        else if (s[i] == '.' && dots)
            strbuf_puts(b, "[.]");
        else
            strbuf_append(b, s + i, 1);
    }
}

/* put_tel - append the part after "tel:" defanged; dots only matter next to letters */
static void put_tel(strbuf *b, const char *s, size_t n)
{
    int letters = 0;

    for (size_t i = 0; i < n && !letters; i++)
        letters = is_alpha((unsigned char)s[i]);
    strbuf_puts(b, "tel[:]");
    put_dead(b, s, n, letters);
}

/*
 * put_always - append a target that is always defanged: a UNC path loses
 * its leading backslashes to "[\\]", a scheme its colon; dots and at
 * signs after it are defanged as in addresses
 */
static void put_always(strbuf *b, const char *s, size_t n, size_t plen)
{
    if (is_unc(s, n)) {
        strbuf_puts(b, "[\\\\]");
        put_dead(b, s + 2, n - 2, 1);
        return;
    }
    strbuf_append(b, s, plen - 1);
    put_dead(b, s + plen - 1, n - plen + 1, 1);
}

/* dead_scheme - the defanged spelling of a web scheme prefix that matched */
static const char *dead_scheme(const char *s, size_t n)
{
    for (size_t w = 0; w < sizeof(web_schemes) / sizeof(web_schemes[0]); w++)
        if (ci_prefix(s, n, web_schemes[w].live))
            return web_schemes[w].dead;
    return NULL;
}

/* render - append one URL found in text [s, s+n) according to the policy */
static void render(const urlfilter_policy *p, strbuf *b, enum kind k,
                   const char *s, size_t n, size_t plen)
{
    policy_url pu = policy_for(p, k);
    size_t h, q;

    if (pu == POLICY_URL_KEEP) {
        strbuf_append(b, s, n);
        return;
    }
    if (pu == POLICY_URL_REMOVE) {
        strbuf_puts(b, marker(p, k));
        return;
    }
    switch (k) {
    case KIND_WEB:
        strbuf_puts(b, dead_scheme(s, n));
        h = host_len(s + plen, n - plen);
        put_host(b, s + plen, h);
        strbuf_append(b, s + plen + h, n - plen - h);
        break;
    case KIND_WWW:
        h = host_len(s, n);
        put_host(b, s, h);
        strbuf_append(b, s + h, n - h);
        break;
    case KIND_MAILTO:
        /* the query (?subject=...) is dropped: only the address is useful */
        for (q = plen; q < n && s[q] != '?'; q++)
            ;
        put_dead(b, s + plen, q - plen, 1);
        break;
    case KIND_TEL:
        put_tel(b, s + plen, n - plen);
        break;
    case KIND_ALWAYS:
        put_always(b, s, n, plen);
        break;
    case KIND_CODE:
    case KIND_DONE:
        strbuf_append(b, s, n);
        break;
    }
}

/* filter_into - urlfilter_text's work, appending to b */
static void filter_into(const urlfilter_policy *p, strbuf *b, const char *s, size_t n)
{
    size_t i = 0, copied = 0, plen, end;
    enum kind k;

    while (i < n) {
        if (match_at(s, n, i, &k, &plen, &end)) {
            strbuf_append(b, s + copied, i - copied);
            render(p, b, k, s + i, end - i, plen);
            i = copied = end;
        } else {
            i++;
        }
    }
    strbuf_append(b, s + copied, n - copied);
}

/* urlfilter_text - apply the policy to every URL, mailto: and tel: in text */
char *urlfilter_text(const urlfilter_policy *p, const char *text, size_t len,
                     size_t *outlen)
{
    strbuf b = { 0 };

    if (outlen)
        *outlen = 0;
    if (!text)
        len = 0;
    if (strbuf_append(&b, "", 0) < 0)
        return NULL;
    filter_into(p, &b, text ? text : "", len);
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b, outlen);
}

/* utf8_invisible - length of an invisible format or C1 control character at s, or 0 */
static size_t utf8_invisible(const unsigned char *s, size_t n)
{
    unsigned cp;

    if (n >= 2 && s[0] == 0xc2 && (s[1] == 0xad || (s[1] >= 0x80 && s[1] <= 0x9f)))
        return 2;		/* soft hyphen, C1 controls */
    if (n >= 2 && s[0] == 0xd8 && s[1] == 0x9c)		/* U+061C arabic letter mark */
        return 2;
    if (n < 3 || (s[0] & 0xf0) != 0xe0 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
        return 0;
    cp = ((unsigned)(s[0] & 0x0f) << 12) | ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3fu);
    if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
        (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) ||
        cp == 0x2028 || cp == 0x2029 || cp == 0x180e || cp == 0xfeff)
        return 3;
    return 0;
}

/*
 * normalize - the target as a browser reads it: no surrounding blanks or
 * controls, no tabs, line breaks or other controls inside ("java\nscript:"
 * is javascript:); and no invisible characters, which a reader's display
 * would drop after the target has been judged
 */
static int normalize(strbuf *b, const char *url)
{
    const unsigned char *s = (const unsigned char *)url;
    size_t n = strlen(url), k;

    while (n > 0 && s[0] <= 0x20) {
        s++;
        n--;
    }
    while (n > 0 && s[n - 1] <= 0x20)
        n--;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x20 || s[i] == 0x7f)
            continue;
        if ((k = utf8_invisible(s + i, n - i)) != 0) {
            i += k - 1;
            continue;
        }
        strbuf_append(b, s + i, 1);
    }
    if (strbuf_append(b, "", 0) < 0)
        return -1;
    return 0;
}

/* scheme_len - length of the scheme name before ':' at the start of u, or 0 */
static size_t scheme_len(const char *u, size_t n)
{
    size_t i;

    if (n == 0 || !is_alpha((unsigned char)u[0]))
        return 0;
    for (i = 1; i < n; i++) {
        unsigned char c = (unsigned char)u[i];
        if (c == ':')
            return i;
        if (!is_alnum(c) && c != '+' && c != '-' && c != '.')
            return 0;
    }
    return 0;
}

/* scheme_is - whether the scheme of u (slen bytes) is name, ignoring case */
static int scheme_is(const char *u, size_t slen, const char *name)
{
    return strlen(name) == slen && ci_prefix(u, slen, name) == slen;
}

/*
 * link_web - defang a web target: scheme, then the host, then the rest
 * as text (a redirector's query may hold further URLs); the result is
 * filtered once more as a whole, for targets without a scheme of their
 * own whose pieces join into one ("*https:" + "//evil.example")
 */
static void link_web(const urlfilter_policy *p, strbuf *b, const char *u, size_t n, size_t slen)
{
    strbuf t = { 0 };
    size_t i = 0, h;

    if (slen) {
        if (scheme_is(u, slen, "https"))
            strbuf_puts(&t, "hxxps:");
        else if (scheme_is(u, slen, "http"))
            strbuf_puts(&t, "hxxp:");
        else
            strbuf_puts(&t, "fxp:");
        i = slen + 1;
    }
    while (i < n && (u[i] == '/' || u[i] == '\\'))
        strbuf_append(&t, u + i++, 1);
    h = host_len(u + i, n - i);
    put_host(&t, u + i, h);
    filter_into(p, &t, u + i + h, n - i - h);
    if (t.oom)
        b->oom = 1;
    else
        filter_into(p, b, t.s ? t.s : "", t.len);
    strbuf_free(&t);
}

/* urlfilter_link - render one link target (from an href) for the text */
char *urlfilter_link(const urlfilter_policy *p, const char *url, int *removed)
{
    strbuf u = { 0 }, b = { 0 };
    size_t slen, q;
    enum kind k = KIND_WEB;
    int web = 1;

    if (removed)
        *removed = 0;
    if (!url || normalize(&u, url) < 0)
        goto none;
    if (u.len == 0 || u.s[0] == '#')
        goto none;
    slen = scheme_len(u.s, u.len);
    if (slen) {
        for (size_t i = 0; i < sizeof(unlisted_schemes) / sizeof(unlisted_schemes[0]); i++)
            if (scheme_is(u.s, slen, unlisted_schemes[i]))
                goto none;
        if (scheme_is(u.s, slen, "mailto"))
            k = KIND_MAILTO;
        else if (scheme_is(u.s, slen, "tel"))
            k = KIND_TEL;
        else if (!scheme_is(u.s, slen, "http") && !scheme_is(u.s, slen, "https") &&
                 !scheme_is(u.s, slen, "ftp"))
            web = 0;
    }
    /* any other scheme, and a share path, is defanged whatever the policy */
    if (!web || is_unc(u.s, u.len))
        k = KIND_ALWAYS;
    switch (policy_for(p, k)) {
    case POLICY_URL_KEEP:
        return strbuf_steal(&u, NULL);
    case POLICY_URL_REMOVE:
        if (removed)
            *removed = 1;
        strbuf_free(&u);
        return strdup(marker(p, k));
    case POLICY_URL_DEFANG:
        break;
    }
    if (k == KIND_MAILTO) {
        const char *a = u.s + slen + 1;
        size_t an = u.len - slen - 1;
        for (q = 0; q < an && a[q] != '?'; q++)
            ;
        put_dead(&b, a, q ? q : an, 1);
    } else if (k == KIND_TEL) {
        put_tel(&b, u.s + slen + 1, u.len - slen - 1);
    } else if (k == KIND_WEB) {
        link_web(p, &b, u.s, u.len, slen);
    } else {
        /* another scheme may wrap a web URL ("ms-word:ofe|u|https://...") */
        put_always(&b, u.s, u.len, slen + 1);
    }
    strbuf_free(&u);
    if (b.oom || strbuf_append(&b, "", 0) < 0) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b, NULL);
none:
    strbuf_free(&u);
    strbuf_free(&b);
    return NULL;
}
