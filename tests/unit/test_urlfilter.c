/*
 * NAME
 *	test_urlfilter - unit tests of sanitizer/urlfilter.c
 * DESCRIPTION
 *	Every rule of the filter with exact expected text: defanging of
 *	web URLs, www. hosts, mailto: and tel:, keep and remove policies in
 *	both languages, where a URL ends in running text, link targets that
 *	are not listed, the schemes and share paths that are made harmless
 *	whatever the policy, and idempotence (also over generated input).
 */
#include "tests/unit/testutil.h"
#include "sanitizer/urlfilter.h"

static const urlfilter_policy defang = {
    POLICY_URL_DEFANG, POLICY_URL_DEFANG, POLICY_URL_DEFANG, POLICY_LANG_JA
};
static const urlfilter_policy keep = {
    POLICY_URL_KEEP, POLICY_URL_KEEP, POLICY_URL_KEEP, POLICY_LANG_JA
};
static const urlfilter_policy remove_ja = {
    POLICY_URL_REMOVE, POLICY_URL_REMOVE, POLICY_URL_REMOVE, POLICY_LANG_JA
};
static const urlfilter_policy remove_en = {
    POLICY_URL_REMOVE, POLICY_URL_REMOVE, POLICY_URL_REMOVE, POLICY_LANG_EN
};

/* filt - urlfilter_text on a C string; checks the length it reports */
static char *filt(const urlfilter_policy *p, const char *in)
{
    size_t n = 12345;
    char *out = urlfilter_text(p, in, strlen(in), &n);

    assert_non_null(out);
    assert_int_equal(n, strlen(out));
    return out;
}

/* check_text - the filter of in is exactly want */
static void check_text(const urlfilter_policy *p, const char *in, const char *want)
{
    char *out = filt(p, in);

    assert_string_equal(out, want);
    free(out);
}

/* check_link - urlfilter_link of url is want (NULL: not listed) and sets *removed to rm */
static void check_link(const urlfilter_policy *p, const char *url, const char *want, int rm)
{
    int removed = -1;
    char *out = urlfilter_link(p, url, &removed);

    if (want) {
        assert_non_null(out);
        assert_string_equal(out, want);
    } else {
        assert_null(out);
    }
    assert_int_equal(removed, rm);
    free(out);
}

/* test_defang_web - schemes and host dots of http, https and ftp */
static void test_defang_web(void **state)
{
    (void)state;
    check_text(&defang, "https://www.example.com/path?q=1",
               "hxxps://www[.]example[.]com/path?q=1");
    check_text(&defang, "see http://example.com/a.html now",
               "see hxxp://example[.]com/a.html now");
    check_text(&defang, "ftp://files.example.org/pub/x.tar.gz",
               "fxp://files[.]example[.]org/pub/x.tar.gz");
    check_text(&defang, "HTTPS://Example.COM/X", "hxxps://Example[.]COM/X");
    check_text(&defang, "http://user@bank.example@evil.example:8080/",
               "hxxp://user@bank[.]example@evil[.]example:8080/");
    check_text(&defang, "no url here.", "no url here.");
}

/* test_defang_www - bare www. hosts */
static void test_defang_www(void **state)
{
    (void)state;
    check_text(&defang, "www.example.com", "www[.]example[.]com");
    check_text(&defang, "go to www.example.com/a.b?x=y.",
               "go to www[.]example[.]com/a.b?x=y.");
    check_text(&defang, "(www.example.com)", "(www[.]example[.]com)");
    check_text(&defang, "WWW.Example.jp", "WWW[.]Example[.]jp");
    /* inside a word, or without a host, it is not a URL */
    check_text(&defang, "awww.example.com", "awww.example.com");
    check_text(&defang, "www. is a prefix", "www. is a prefix");
}

/* test_defang_mailto_tel - mailto: drops its scheme; tel: loses its colon */
static void test_defang_mailto_tel(void **state)
{
    (void)state;
    check_text(&defang, "mailto:a@b.example", "a[@]b[.]example");
    check_text(&defang, "write mailto:info@city.example.lg.jp?subject=hi now",
               "write info[@]city[.]example[.]lg[.]jp now");
    check_text(&defang, "MailTo:x.y@z.example.", "x[.]y[@]z[.]example.");
    check_text(&defang, "tel:+81-3-1234-5678", "tel[:]+81-3-1234-5678");
    check_text(&defang, "call tel:03-1234-5678.", "call tel[:]03-1234-5678.");
    /* bare addresses are left alone; "hotel:" is no tel: */
    check_text(&defang, "write to a@b.example", "write to a@b.example");
    check_text(&defang, "hotel:+81 3", "hotel:+81 3");
    check_text(&defang, "mailto:nobody", "mailto:nobody");
}

/* test_keep - the keep policy changes nothing */
static void test_keep(void **state)
{
    const char *in = "https://www.example.com/p www.example.org mailto:a@b.example tel:+81-3-1";

    (void)state;
    check_text(&keep, in, in);
}

/* test_remove - markers in both languages, per kind */
static void test_remove(void **state)
{
    (void)state;
    check_text(&remove_ja, "a https://evil.example/x b", "a [URL削除] b");
    check_text(&remove_ja, "www.evil.example", "[URL削除]");
    check_text(&remove_ja, "mailto:a@b.example", "[メールアドレス削除]");
    check_text(&remove_ja, "tel:+81-3-1234-5678", "[電話番号削除]");
    check_text(&remove_en, "a https://evil.example/x b", "a [URL removed] b");
    check_text(&remove_en, "mailto:a@b.example", "[address removed]");
    check_text(&remove_en, "tel:+81-3-1234-5678", "[phone number removed]");
}

/* test_mixed_policies - each kind follows its own policy */
static void test_mixed_policies(void **state)
{
    urlfilter_policy p = { POLICY_URL_KEEP, POLICY_URL_REMOVE, POLICY_URL_DEFANG, POLICY_LANG_EN };

    (void)state;
    check_text(&p, "https://a.example mailto:a@b.example tel:+1-2",
               "https://a.example [address removed] tel[:]+1-2");
}

/* test_url_end - where a URL ends in running text */
static void test_url_end(void **state)
{
    (void)state;
    /* Japanese text and full-width brackets end it */
    check_text(&defang, "詳細はhttps://example.com/aをご覧ください。",
               "詳細はhxxps://example[.]com/aをご覧ください。");
    check_text(&defang, "（https://example.com/a）", "（hxxps://example[.]com/a）");
    check_text(&defang, "「www.example.jp」", "「www[.]example[.]jp」");
    /* trailing punctuation is the sentence's, unless balanced */
    check_text(&defang, "See https://example.com/a.", "See hxxps://example[.]com/a.");
    check_text(&defang, "Really https://example.com/?q=1!?", "Really hxxps://example[.]com/?q=1!?");
    check_text(&defang, "(see https://example.com/a_(b).)",
               "(see hxxps://example[.]com/a_(b).)");
    check_text(&defang, "[https://example.com/x]", "[hxxps://example[.]com/x]");
    check_text(&defang, "at https://example.com/x, then", "at hxxps://example[.]com/x, then");
    check_text(&defang, "<https://example.com/x>", "<hxxps://example[.]com/x>");
    check_text(&defang, "\"https://example.com/x\"", "\"hxxps://example[.]com/x\"");
    /* a URL inside a URL is filtered on its own */
    check_text(&defang, "https://r.example/?u=https://evil.example/x",
               "hxxps://r[.]example/?u=hxxps://evil[.]example/x");
    /* a scheme without a host is still no live link */
    check_text(&defang, "http://", "hxxp://");
}

/* test_idempotent - filtering filtered text changes nothing */
static void test_idempotent(void **state)
{
    static const char *const samples[] = {
        "https://www.example.com/path?q=1 and www.example.org. mailto:a@b.example tel:+81-3-1",
        "https://r.example/?u=https://evil.example/x&m=mailto:a@b.example",
        "x/www.a.example/www.b.example (www.c.example) [www.d.example]",
        "hxxps://already[.]example/ www[.]done[.]example a[@]b[.]example tel[:]+1",
        "http://https://x.example http:/mailto:p@x://evil.example",
    };
    const urlfilter_policy *pols[] = { &defang, &keep, &remove_ja, &remove_en };

    (void)state;
    for (size_t p = 0; p < sizeof(pols) / sizeof(pols[0]); p++) {
        for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
            char *once = filt(pols[p], samples[i]);
            char *twice = filt(pols[p], once);
            assert_string_equal(once, twice);
            free(once);
            free(twice);
        }
    }
}

/* test_idempotent_generated - idempotence over text built from URL fragments */
static void test_idempotent_generated(void **state)
{
    static const char *const parts[] = {
        "http", "https", "://", "ftp", "hxxp", "www", ".", "[.]", "mailto:", "a", "@",
        "b.example", "tel:", "+81", "-", "(", ")", "[", "]", " ", "/", "?", "=", ",",
        "。", "「", "x", "0", "_", ":", "hotel", "s://", "www.", "!",
        "file", "\\\\", "\\", "smb:", "ms-msdt:", "[:]", "data:", "javascript:", "[\\\\]",
        "search-ms:", "ftps", "?",
    };
    const urlfilter_policy *pols[] = { &defang, &keep, &remove_ja };
    uint32_t seed = 12345;
    char in[256];

    (void)state;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0;
        int nparts = 1 + (int)((seed >> 16) % 12);
        for (int k = 0; k < nparts; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *part = parts[(seed >> 16) % (sizeof(parts) / sizeof(parts[0]))];
            size_t pl = strlen(part);
            if (len + pl >= sizeof(in))
                break;
            memcpy(in + len, part, pl);
            len += pl;
        }
        in[len] = 0;
        for (size_t p = 0; p < sizeof(pols) / sizeof(pols[0]); p++) {
            char *once = filt(pols[p], in);
            char *twice = filt(pols[p], once);
            if (strcmp(once, twice) != 0)
                fail_msg("not idempotent: \"%s\" -> \"%s\" -> \"%s\"", in, once, twice);
            /* no live scheme survives defanging */
            if (pols[p] == &defang && (strstr(once, "http://") || strstr(once, "https://") ||
                                       strstr(once, "ftp://")))
                fail_msg("live URL left: \"%s\" -> \"%s\"", in, once);
            free(once);
            free(twice);
        }
    }
}

/* test_text_edges - empty input, NUL bytes, the length is honoured */
static void test_text_edges(void **state)
{
    size_t n = 99;
    char *out;

    (void)state;
    out = urlfilter_text(&defang, "", 0, &n);
    assert_non_null(out);
    assert_int_equal(n, 0);
    assert_string_equal(out, "");
    free(out);
    out = urlfilter_text(&defang, "www.a.example\0www.b.example", 27, &n);
    assert_non_null(out);
    assert_int_equal(n, 35);
    assert_memory_equal(out, "www[.]a[.]example\0www[.]b[.]example", 35);
    free(out);
    /* only len bytes are read */
    out = urlfilter_text(&defang, "www.a.example", 3, &n);
    assert_string_equal(out, "www");
    free(out);
}

/* test_link_unlisted - targets that are never listed, whatever the policy */
static void test_link_unlisted(void **state)
{
    static const char *const urls[] = {
        "javascript:alert(1)", "  JavaScript:alert(1)", "java\nscript:alert(1)",
        "vbscript:msgbox", "data:text/html;base64,PHNjcmlwdD4=",
        "about:blank", "cid:part1@example", "#top", "", "   ",
        "java\xe2\x80\x8bscript:alert(1)",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        check_link(&defang, urls[i], NULL, 0);
        check_link(&keep, urls[i], NULL, 0);
        check_link(&remove_ja, urls[i], NULL, 0);
    }
    check_link(&defang, NULL, NULL, 0);
}

/* test_link_defang - link targets rendered for footnotes */
static void test_link_defang(void **state)
{
    (void)state;
    check_link(&defang, "https://evil.example/login", "hxxps://evil[.]example/login", 0);
    check_link(&defang, "  http://a.b.example/x.html?y=1#z ", "hxxp://a[.]b[.]example/x.html?y=1#z", 0);
    check_link(&defang, "FTP://files.example/", "fxp://files[.]example/", 0);
    check_link(&defang, "https://r.example/?u=https://evil.example/",
               "hxxps://r[.]example/?u=hxxps://evil[.]example/", 0);
    check_link(&defang, "https://evil\xe3\x80\x82" "example/", "hxxps://evil[.]example/", 0);
    check_link(&defang, "www.example.com/x", "www[.]example[.]com/x", 0);
    check_link(&defang, "//evil.example/x", "//evil[.]example/x", 0);
    /* no scheme of its own, but one inside: the pieces must not rejoin live */
    check_link(&defang, "*https://evil.example/", "*hxxps://evil[.]example/", 0);
    check_link(&defang, "mailto:a@b.example", "a[@]b[.]example", 0);
    check_link(&defang, "mailto:a@b.example?subject=hi&body=x", "a[@]b[.]example", 0);
    check_link(&defang, "tel:+81-3-1234-5678", "tel[:]+81-3-1234-5678", 0);
    check_link(&defang, "ms-word:ofe|u|https://evil.example/doc",
               "ms-word[:]ofe|u|https[:]//evil[.]example/doc", 0);
    check_link(&defang, "sip:a@b.example", "sip[:]a[@]b[.]example", 0);
}

/* test_link_keep_remove - the other two policies for links */
static void test_link_keep_remove(void **state)
{
    urlfilter_policy p = { POLICY_URL_DEFANG, POLICY_URL_KEEP, POLICY_URL_REMOVE, POLICY_LANG_JA };

    (void)state;
    check_link(&keep, "https://evil.example/login", "https://evil.example/login", 0);
    check_link(&keep, "mailto:a@b.example", "mailto:a@b.example", 0);
    check_link(&keep, "tel:+81-3-1234-5678", "tel:+81-3-1234-5678", 0);
    /* keep is for web, mailto and tel only */
    check_link(&keep, "ms-word:ofe|u|x", "ms-word[:]ofe|u|x", 0);
    check_link(&keep, "sip:a@b.example", "sip[:]a[@]b[.]example", 0);
    check_link(&remove_ja, "https://evil.example/login", "[URL削除]", 1);
    check_link(&remove_en, "https://evil.example/login", "[URL removed]", 1);
    check_link(&remove_ja, "mailto:a@b.example", "[メールアドレス削除]", 1);
    check_link(&remove_ja, "tel:+81", "[電話番号削除]", 1);
    check_link(&remove_en, "tel:+81", "[phone number removed]", 1);
    check_link(&p, "https://x.example", "hxxps://x[.]example", 0);
    check_link(&p, "mailto:a@b.example", "mailto:a@b.example", 0);
    check_link(&p, "tel:+81", "[電話番号削除]", 1);
    /* removed may be NULL */
    char *m = urlfilter_link(&remove_ja, "https://x.example", NULL);
    assert_string_equal(m, "[URL削除]");
    free(m);
}

/* The always-harmless schemes and paths, as written in plain text. */
static const struct {
    const char *in, *defanged;
} always_text[] = {
    { "file://host/x.exe", "file[:]//host/x[.]exe" },
    { "FILE:///C:/Windows/x.exe", "FILE[:]///C[:]/Windows/x[.]exe" },
    { "file:/etc/passwd", "file[:]/etc/passwd" },
    { "file:////host/share", "file[:]////host/share" },
    { "file:\\\\host\\share\\x.exe", "file[:]\\\\host\\share\\x[.]exe" },
    { "file:c:/x.exe", "file[:]c[:]/x[.]exe" },
    { "\\\\host\\share\\x.exe", "[\\\\]host\\share\\x[.]exe" },
    { "\\\\10.0.0.1\\c$\\x.exe", "[\\\\]10[.]0[.]0[.]1\\c$\\x[.]exe" },
    { "\\\\?\\C:\\x.exe", "[\\\\]?\\C[:]\\x[.]exe" },
    { "\\\\.\\pipe\\x", "[\\\\][.]\\pipe\\x" },
    { "smb://host.example/share", "smb[:]//host[.]example/share" },
    { "ftps://files.example/x.zip", "ftps[:]//files[.]example/x[.]zip" },
    { "ldap://dc.example/cn=x", "ldap[:]//dc[.]example/cn=x" },
    { "search-ms:query=x&crumb=location:\\\\evil.example\\s",
      "search-ms[:]query=x&crumb=location[:]\\\\evil[.]example\\s" },
    { "ms-msdt:/id PCWDiagnostic", "ms-msdt[:]/id PCWDiagnostic" },
    { "ms-officecmd:{}", "ms-officecmd[:]{}" },
    { "MS-Word:ofe|u|x", "MS-Word[:]ofe|u|x" },
    { "jar:file:/x.jar!/a", "jar[:]file[:]/x[.]jar!/a" },
    { "mhtml:file://x.mht!x", "mhtml[:]file[:]//x[.]mht!x" },
};

/* test_always_text - listed schemes and share paths in text, whatever the policy */
static void test_always_text(void **state)
{
    char in[256], want[256];

    (void)state;
    for (size_t i = 0; i < sizeof(always_text) / sizeof(always_text[0]); i++) {
        /* in running Japanese text, at the start and after a word */
        snprintf(in, sizeof(in), "共有 %s を開く", always_text[i].in);
        snprintf(want, sizeof(want), "共有 %s を開く", always_text[i].defanged);
        check_text(&defang, in, want);
        check_text(&keep, in, want);
        check_text(&defang, always_text[i].defanged, always_text[i].defanged);
        snprintf(want, sizeof(want), "共有 [URL削除] を開く");
        /* the target ends where a path would: a blank or '{' stays after the marker */
        if (strpbrk(always_text[i].in, " {|") == NULL)
            check_text(&remove_ja, in, want);
    }
    /* code is removed under every policy */
    check_text(&keep, "x javascript:alert(1) y", "x [URL削除] y");
    check_text(&remove_ja, "ms-officecmd:{\"id\":3}", "[URL削除]{\"id\":3}");
    check_text(&defang, "VBScript:msgbox(1)", "[URL削除]");
    check_text(&keep, "data:text/html;base64,PHNjcmlwdD4=", "[URL削除]");
    check_text(&remove_en, "data:application/x-msdownload;base64,TVqQ", "[URL removed]");
    /* words, not links */
    check_text(&keep, "data: 2024, search: none, file: a.txt", "data: 2024, search: none, file: a.txt");
    check_text(&keep, "data:2024", "data:2024");
    check_text(&keep, "profile://x \\ alone", "profile://x \\ alone");
    check_text(&keep, "C:\\dir\\file.txt", "C:\\dir\\file.txt");
    /* web URLs inside still follow their own policy */
    check_text(&defang, "file://x?u=https://evil.example/", "file[:]//x?u=hxxps://evil[.]example/");
}

/* test_link_always - listed schemes and share paths as link targets */
static void test_link_always(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(always_text) / sizeof(always_text[0]); i++) {
        if (strchr(always_text[i].in, ' '))
            continue;	/* a link target is one word */
        check_link(&keep, always_text[i].in, always_text[i].defanged, 0);
        check_link(&defang, always_text[i].in, always_text[i].defanged, 0);
        check_link(&remove_ja, always_text[i].in, "[URL削除]", 1);
    }
    check_link(&keep, "file:///etc/passwd", "file[:]///etc/passwd", 0);
    check_link(&keep, " File\n:///etc/passwd", "File[:]///etc/passwd", 0);
    check_link(&keep, "fi\xe2\x80\x8ble://host/x", "file[:]//host/x", 0);
    check_link(&keep, "zoommtg://zoom.example/join", "zoommtg[:]//zoom[.]example/join", 0);
}

/* main - run the group */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defang_web),
        cmocka_unit_test(test_defang_www),
        cmocka_unit_test(test_defang_mailto_tel),
        cmocka_unit_test(test_keep),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_mixed_policies),
        cmocka_unit_test(test_url_end),
        cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_idempotent_generated),
        cmocka_unit_test(test_text_edges),
        cmocka_unit_test(test_link_unlisted),
        cmocka_unit_test(test_link_defang),
        cmocka_unit_test(test_link_keep_remove),
        cmocka_unit_test(test_always_text),
        cmocka_unit_test(test_link_always),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
