/*
 * NAME
 *	test_htmltext - unit tests of sanitizer/htmltext.c
 * DESCRIPTION
 *	Exact expected text for each rendering rule (paragraphs, lists,
 *	headings, quotes, tables with Japanese cells, images, links and
 *	their footnotes under each URL policy), absence of hidden content,
 *	entity and charset handling, and hostile input: deep nesting, huge
 *	spans, NUL bytes, the output limit.
 */
#include "tests/unit/testutil.h"
#include <libxml/parser.h>
#include "sanitizer/htmltext.h"
#include "sanitizer/limits.h"

/* render - convert html (len SIZE_MAX: a C string) with one policy for all URL kinds */
static char *render(const char *html, size_t len, policy_lang lang, policy_url url,
                    size_t max_out, int *truncated)
{
    urlfilter_policy p = { url, url, url, lang };
    htmltext_options o = { &p, lang, max_out };
    size_t n = 12345;
    int t = -1;
    char *out;

    if (len == SIZE_MAX)
        len = strlen(html);
    out = htmltext_convert(html, len, &o, &n, &t);

    assert_non_null(out);
    assert_int_equal(n, strlen(out));
    assert_true(t == 0 || t == 1);
    if (truncated)
        *truncated = t;
    return out;
}

/* check_lang - html renders exactly as want (defang, no limit hit) */
static void check_lang(const char *html, policy_lang lang, const char *want)
{
    int t;
    char *out = render(html, strlen(html), lang, POLICY_URL_DEFANG, 1 << 20, &t);

    assert_string_equal(out, want);
    assert_int_equal(t, 0);
    free(out);
}

/* check - check_lang in Japanese */
static void check(const char *html, const char *want)
{
    check_lang(html, POLICY_LANG_JA, want);
}

/* test_paragraphs - blocks, line breaks, white space collapsing */
static void test_paragraphs(void **state)
{
    (void)state;
    check("<p>One  two\nthree</p><p>Four<br>five<br><br>six</p>",
          "One two three\n\nFour\nfive\n\nsix\n");
    check("\n\n<p>  lead and trail  </p>\n\n<p></p><p>&nbsp;</p><p>next</p>\n",
          "lead and trail\n\nnext\n");
    /* div is a line, as in a browser: Gmail writes one div per line */
    check("<div>a</div><div>b</div><div><br></div><div>c</div>", "a\nb\n\nc\n");
    check("<p>a</p><br><br><br><p>b</p>", "a\n\nb\n");
    check("text <b>bold</b> <i>it</i>alic", "text bold italic\n");
    /* a line break between Japanese characters is no space */
    check("<p>これは\nテストです。\nThis\nis</p>", "これはテストです。 This is\n");
}

/* test_lists - ul/ol/li, nesting, start=, dl */
static void test_lists(void **state)
{
    const char *ul = "<ul><li>apple</li><li>banana<ul><li>nested a</li><li>nested b</li></ul>"
                     "</li><li>cherry</li></ul>";

    (void)state;
    check(ul, "・ apple\n・ banana\n  ・ nested a\n  ・ nested b\n・ cherry\n");
    check_lang(ul, POLICY_LANG_EN, "* apple\n* banana\n  * nested a\n  * nested b\n* cherry\n");
    check("<ol start=\"3\"><li>three</li><li>four<ol><li>x</li><li>y</li></ol></li></ol>",
          "3. three\n4. four\n  1. x\n  2. y\n");
    check("<ol><li value=\"10\">ten</li><li>eleven</li></ol>", "10. ten\n11. eleven\n");
    check("<p>before</p><ul><li>item<br>continued</li></ul><p>after</p>",
          "before\n\n・ item\n   continued\n\nafter\n");
    check("<dl><dt>Term</dt><dd>Definition</dd><dt>二</dt><dd>説明</dd></dl>",
          "Term\n  Definition\n二\n  説明\n");
}

/* test_headings - h1/h2 underlined by display width, h3-h6 marked */
static void test_headings(void **state)
{
    const char *html = "<h1>Title</h1><p>x</p><h2>日本語</h2><h3>Small</h3><h6>Tiny</h6>";

    (void)state;
    check(html, "Title\n=====\n\nx\n\n日本語\n------\n\n■ Small\n\n■ Tiny\n");
    check_lang(html, POLICY_LANG_EN, "Title\n=====\n\nx\n\n日本語\n------\n\n## Small\n\n## Tiny\n");
    check("<h1></h1><p>x</p>", "x\n");
}

/* test_quote_hr_pre - blockquote, hr, pre kept exactly */
static void test_quote_hr_pre(void **state)
{
    (void)state;
    check("<p>before</p><blockquote><p>one</p><p>two</p><blockquote>deeper</blockquote>"
          "</blockquote><p>after</p>",
          "before\n\n> one\n>\n> two\n>\n> > deeper\n\nafter\n");
    check("<p>a</p><hr><p>b</p>",
          "a\n\n----------------------------------------\n\nb\n");
    check("<p>x</p><pre>  code   line\n    indented  \n\ttab &lt;b&gt;</pre><p>y</p>",
          "x\n\n  code   line\n    indented\n\ttab <b>\n\ny\n");
}

/* test_table_japanese - columns aligned by display width, header rule */
static void test_table_japanese(void **state)
{
    (void)state;
    check("<table><tr><th>項目</th><th>内容</th></tr>"
          "<tr><td>申請者</td><td>山田 太郎</td></tr>"
          "<tr><td>ID</td><td>A-1</td></tr></table>",
          "項目   | 内容\n"
          "------------------\n"
          "申請者 | 山田 太郎\n"
          "ID     | A-1\n");
}

/* test_table_layout - spans, multi-line cells, nested and layout tables */
static void test_table_layout(void **state)
{
    (void)state;
    /* a colspan widens the last column it covers; a rowspan keeps its column */
    check("<table><thead><tr><th colspan=\"2\">Wide header here</th><th>C</th></tr></thead>"
          "<tr><td>a1</td><td>b1</td><td>c1</td></tr>"
          "<tr><td rowspan=\"2\">tall</td><td>b2<br>second</td><td>c2</td></tr>"
          "<tr><td>b3</td><td>c3</td></tr></table>",
          "Wide header here | C\n"
          "---------------------\n"
          "a1   | b1        | c1\n"
          "tall | b2        | c2\n"
          "     | second\n"
          "     | b3        | c3\n");
    /* one cell per row: a layout table, read as paragraphs */
    check("<table><tr><td><p>para 1</p><p>para 2</p></td></tr><tr><td>row 2</td></tr></table>",
          "para 1\n\npara 2\n\nrow 2\n");
    /* empty spacer columns are dropped; one column left is a paragraph */
    check("<table><tr><td></td><td>content</td><td></td></tr></table>", "content\n");
    /* a table inside a cell is plain text */
    check("<table><tr><td>outer</td><td><table><tr><td>in1</td><td>in2</td></tr>"
          "<tr><td>in3</td><td>in4</td></tr></table></td></tr></table>",
          "outer | in1 in2\n      | in3 in4\n");
}

/* test_table_hostile - absurd spans and too many cells stay bounded, text kept */
static void test_table_hostile(void **state)
{
    size_t cap = 64 + (LIMITS_TABLE_CELLS + 10) * 16, len = 0;
    char *html = malloc(cap), *out;
    int t;

    (void)state;
    assert_non_null(html);
    out = render("<table><tr><td colspan=\"999999999\" rowspan=\"-5\">huge</td><td>x</td></tr>"
                 "<tr><td>a</td><td>b</td></tr></table>", SIZE_MAX, POLICY_LANG_JA,
                 POLICY_URL_DEFANG, 1 << 20, &t);
    assert_true(testutil_contains(out, strlen(out), "huge"));
    assert_true(testutil_contains(out, strlen(out), "x"));
    free(out);
    len += (size_t)sprintf(html + len, "<table><tr>");
    for (int i = 0; i < LIMITS_TABLE_CELLS + 5; i++)
        len += (size_t)sprintf(html + len, "<td>c%d</td>", i);
    len += (size_t)sprintf(html + len, "</tr></table>");
    out = render(html, len, POLICY_LANG_JA, POLICY_URL_DEFANG, 1 << 24, &t);
    assert_true(testutil_contains(out, strlen(out), "c0"));
    assert_true(testutil_contains(out, strlen(out), "c10004"));
    free(out);
    free(html);
}

/* test_images - alt text in the language's marker, nothing for empty alt */
static void test_images(void **state)
{
    const char *html = "<p>Logo: <img src=\"x.png\" alt=\" ロゴ  画像 \"> <img src=\"t.gif\" alt=\"\">"
                       " <img src=\"y.png\"></p><form><input type=\"image\" alt=\"Send\">"
                       "<input type=\"text\" value=\"SECRET\"><input type=\"hidden\" value=\"SECRET\">"
                       "<map><area alt=\"SECRET\"></map></form>";

    (void)state;
    check(html, "Logo: [画像: ロゴ 画像]\n\n[画像: Send]\n");
    check_lang(html, POLICY_LANG_EN, "Logo: [image: ロゴ 画像]\n\n[image: Send]\n");
    /* alt text is text: its URLs are filtered too */
    check("<img alt=\"www.evil.example\">", "[画像: www[.]evil[.]example]\n");
}

/* test_links - footnotes, shared numbers, unlisted targets, phishing text */
static void test_links(void **state)
{
    const char *html =
        "<p>Visit <a href=\"https://evil.example/login\">https://bank.example</a> now. "
        "<a href=\"https://evil.example/login\">again</a> "
        "<a href=\"javascript:alert(1)\">js</a> <a href=\" #top\">top</a> "
        "<a name=\"x\">anchor</a> <a href=\"data:text/html,x\">data</a></p>";

    (void)state;
    check(html,
          "Visit hxxps://bank[.]example[1] now. again[1] js top anchor data\n"
          "\n"
          "リンク:\n"
          "[1] hxxps://evil[.]example/login\n");
    check_lang(html, POLICY_LANG_EN,
               "Visit hxxps://bank[.]example[1] now. again[1] js top anchor data\n"
               "\n"
               "Links:\n"
               "[1] hxxps://evil[.]example/login\n");
    /* a URL split over elements is still seen */
    check("<p><span>www.</span><b>evil.example</b>/x</p>", "www[.]evil[.]example/x\n");
    check("<p>https://<span>evil</span>.example</p>", "hxxps://evil[.]example\n");
}

/* test_link_always - share, file and program links are defanged under keep, in text and targets */
static void test_link_always(void **state)
{
    const char *html = "<p><a href=\"file://host/x.exe\">a</a> "
                       "<a href=\"\\\\host\\share\\x.exe\">b</a> "
                       "<a href=\"ms-msdt:/id PCWDiagnostic\">c</a> "
                       "<a href=\"search-ms:query=x\">d</a> "
                       "smb://h.example/s \\\\h\\s</p>";
    char *out;

    (void)state;
    out = render(html, strlen(html), POLICY_LANG_JA, POLICY_URL_KEEP, 1 << 20, NULL);
    assert_string_equal(out, "a[1] b[2] c[3] d[4] smb[:]//h[.]example/s [\\\\]h\\s\n\n"
                             "リンク:\n[1] file[:]//host/x[.]exe\n[2] [\\\\]host\\share\\x[.]exe\n"
                             "[3] ms-msdt[:]/id PCWDiagnostic\n[4] search-ms[:]query=x\n");
    free(out);
    out = render(html, strlen(html), POLICY_LANG_JA, POLICY_URL_REMOVE, 1 << 20, NULL);
    assert_string_equal(out, "a[1] b[2] c[3] d[4] [URL削除] [URL削除]\n\n"
                             "リンク:\n[1] [URL削除]\n[2] [URL削除]\n[3] [URL削除]\n[4] [URL削除]\n");
    free(out);
}

/* test_link_policies - mailto, tel and web targets under keep, defang and remove */
static void test_link_policies(void **state)
{
    const char *html = "<p><a href=\"mailto:a@b.example?subject=x\">mail</a> "
                       "<a href=\"tel:+81-3-1234-5678\">call</a> "
                       "<a href=\"https://x.example/p\">web</a></p>";
    char *out;

    (void)state;
    check(html, "mail[1] call[2] web[3]\n\nリンク:\n[1] a[@]b[.]example\n"
                "[2] tel[:]+81-3-1234-5678\n[3] hxxps://x[.]example/p\n");
    out = render(html, strlen(html), POLICY_LANG_JA, POLICY_URL_KEEP, 1 << 20, NULL);
    assert_string_equal(out, "mail[1] call[2] web[3]\n\nリンク:\n[1] mailto:a@b.example?subject=x\n"
                             "[2] tel:+81-3-1234-5678\n[3] https://x.example/p\n");
    free(out);
    out = render(html, strlen(html), POLICY_LANG_JA, POLICY_URL_REMOVE, 1 << 20, NULL);
    assert_string_equal(out, "mail[1] call[2] web[3]\n\nリンク:\n[1] [メールアドレス削除]\n"
                             "[2] [電話番号削除]\n[3] [URL削除]\n");
    free(out);
    out = render(html, strlen(html), POLICY_LANG_EN, POLICY_URL_REMOVE, 1 << 20, NULL);
    assert_string_equal(out, "mail[1] call[2] web[3]\n\nLinks:\n[1] [address removed]\n"
                             "[2] [phone number removed]\n[3] [URL removed]\n");
    free(out);
    /* URLs in the text follow the same policies */
    out = render("<p>mailto:a@b.example tel:+81-3-1 https://x.example</p>", SIZE_MAX,
                 POLICY_LANG_JA, POLICY_URL_REMOVE, 1 << 20, NULL);
    assert_string_equal(out, "[メールアドレス削除] [電話番号削除] [URL削除]\n");
    free(out);
}

/* test_footnote_limit - at most LIMITS_FOOTNOTES targets are listed */
static void test_footnote_limit(void **state)
{
    size_t cap = (LIMITS_FOOTNOTES + 10) * 64, len = 0;
    char *html = malloc(cap), *out, want[64];

    (void)state;
    assert_non_null(html);
    for (int i = 1; i <= LIMITS_FOOTNOTES + 5; i++)
        len += (size_t)sprintf(html + len, "<a href=\"https://h%d.example/\">l%d</a> ", i, i);
    out = render(html, len, POLICY_LANG_JA, POLICY_URL_DEFANG, 1 << 24, NULL);
    sprintf(want, "l%d[%d]", LIMITS_FOOTNOTES, LIMITS_FOOTNOTES);
    assert_true(testutil_contains(out, strlen(out), want));
    sprintf(want, "\n[%d] hxxps://h%d[.]example/\n", LIMITS_FOOTNOTES, LIMITS_FOOTNOTES);
    assert_true(testutil_contains(out, strlen(out), want));
    sprintf(want, "l%d ", LIMITS_FOOTNOTES + 1);
    assert_true(testutil_contains(out, strlen(out), want));
    sprintf(want, "[%d]", LIMITS_FOOTNOTES + 1);
    assert_false(testutil_contains(out, strlen(out), want));
    free(out);
    free(html);
}

/* test_hidden - nothing that a browser does not show reaches the text */
static void test_hidden(void **state)
{
    const char *html =
        "<html><head><title>SECRET0</title><style>p{x:y} SECRET1</style></head><body>"
        "<p>visible</p><script>document.write('SECRET2')</script>"
        "<div style=\"display:none\">SECRET3</div>"
        "<span style=\"Visibility : Hidden\">SECRET4</span>"
        "<span style=\"color:red; FONT-SIZE: 0px\">SECRET5</span>"
        "<span style=\"opacity:0.0\">SECRET6</span>"
        "<div style=\"max-height:0;overflow:hidden\">SECRET7</div>"
        "<p hidden>SECRET8</p><p aria-hidden=\"true\">SECRET9</p>"
        "<template>SECRETa</template><noscript>SECRETb</noscript>"
        "<select><option>SECRETc</option></select><svg><text>SECRETd</text></svg>"
        "<!-- SECRETe --><span style=\"display: none !important\">SECRETf</span>"
        "<span style=\"display:/* x */none\">SECRETg</span><iframe>SECRETh</iframe>"
        "<object>SECRETi</object><video>SECRETj</video><canvas>SECRETk</canvas>"
        "<span style=\"mso-hide:all\">SECRETl</span><dialog>SECRETm</dialog>"
        "<math><mi>SECRETn</mi></math><audio>SECRETo</audio><embed>"
        "<button>press</button> <span style=\"font-size:12px\">small</span>"
        "</body></html>";
    char *out;

    (void)state;
    out = render(html, strlen(html), POLICY_LANG_JA, POLICY_URL_DEFANG, 1 << 20, NULL);
    assert_false(testutil_contains(out, strlen(out), "SECRET"));
    assert_string_equal(out, "visible\n\npress small\n");
    free(out);
}

/* test_entities_controls - entities decoded, invisible characters dropped, controls shown */
static void test_entities_controls(void **state)
{
    static const char html[] = "<p>&amp; &lt; &gt; &#x3042; &#12354; &quot;q&quot; a&nbsp;&nbsp;b</p>"
                               "<p>zero&#x200B;width &#x202E;rtl&#x202C; b&#xFEFF;om i&#x2066;s"
                               "&#x2069; c\x01" "d\x7f" "e</p><p>a\0b</p>";
    char *out;

    (void)state;
    out = render(html, sizeof(html) - 1, POLICY_LANG_JA, POLICY_URL_DEFANG, 1 << 20, NULL);
    assert_true(testutil_contains(out, strlen(out), "& < > あ あ \"q\" a  b\n"));
    assert_true(testutil_contains(out, strlen(out), "zerowidth rtl bom is cd<U+007F>e\n"));
    for (const char *p = out; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    assert_false(testutil_contains(out, strlen(out), "\xe2\x80\x8b"));
    assert_false(testutil_contains(out, strlen(out), "\xe2\x80\xae"));
    free(out);
    /* libxml2 drops C0 controls itself; C1 ones are shown like in plain text */
    out = render("<pre>x\xc2\x85y\xc2\x9b" "2J\x1b[0m</pre>", SIZE_MAX, POLICY_LANG_JA,
                 POLICY_URL_DEFANG, 1 << 20, NULL);
    assert_string_equal(out, "x<U+0085>y<U+009B>2J[0m\n");
    free(out);
}

/* test_meta_charset - the caller's UTF-8 wins over any declared charset */
static void test_meta_charset(void **state)
{
    (void)state;
    check("<html><head><meta charset=\"shift_jis\"></head><body><p>日本語テキスト</p></body></html>",
          "日本語テキスト\n");
    check("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-jp\">"
          "</head><body><p>住民票の写し</p></body></html>",
          "住民票の写し\n");
}

/* test_deep_nesting - 5000 nested elements: no crash, text present, hidden still hidden */
static void test_deep_nesting(void **state)
{
    size_t n = 5000, cap = n * 24 + 256, len = 0;
    char *html = malloc(cap), *out;
    int t;

    (void)state;
    assert_non_null(html);
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(html + len, "<div>");
    len += (size_t)sprintf(html + len, "deep text<span hidden>SECRET</span><script>SECRET</script>"
                                       "<img alt=\"pic\">");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(html + len, "</div>");
    len += (size_t)sprintf(html + len, "<p>after</p>");
    out = render(html, len, POLICY_LANG_JA, POLICY_URL_DEFANG, 1 << 20, &t);
    assert_string_equal(out, "deep text[画像: pic]\n\nafter\n");
    assert_int_equal(t, 0);
    free(out);
    /* unclosed, and deeper than libxml2's own limit of 256 */
    len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(html + len, "<blockquote><ul><li>");
    len += (size_t)sprintf(html + len, "bottom");
    out = render(html, len, POLICY_LANG_JA, POLICY_URL_DEFANG, 1 << 20, &t);
    assert_true(testutil_contains(out, strlen(out), "bottom"));
    free(out);
    free(html);
}

/* test_max_out - output cut at a character boundary, flagged, still line-ended */
static void test_max_out(void **state)
{
    size_t cap = 1000 * 40, len = 0, flen, tlen;
    char *html = malloc(cap), *full, *cut;
    int t;

    (void)state;
    assert_non_null(html);
    for (int i = 0; i < 1000; i++)
        len += (size_t)sprintf(html + len, "<p>日本語の文章です。</p>");
    full = render(html, len, POLICY_LANG_JA, POLICY_URL_DEFANG, 1 << 20, &t);
    assert_int_equal(t, 0);
    flen = strlen(full);
    cut = render(html, len, POLICY_LANG_JA, POLICY_URL_DEFANG, 100, &t);
    tlen = strlen(cut);
    assert_int_equal(t, 1);
    assert_true(tlen <= 100 && tlen > 80);
    assert_true(tlen < flen);
    assert_int_equal(cut[tlen - 1], '\n');
    assert_memory_equal(cut, full, tlen - 1);
    /* the cut is not inside a character: the next byte of the full text starts one */
    assert_true(((unsigned char)full[tlen - 1] & 0xc0) != 0x80);
    free(full);
    free(cut);
    free(html);
}

/* test_empty - empty and blank input give empty output; no options is fine */
static void test_empty(void **state)
{
    size_t n = 1;
    int t = 1;
    char *out;

    (void)state;
    check("", "");
    check("   \n\t ", "");
    check("<html><body><p> </p><br></body></html>", "");
    out = htmltext_convert(NULL, 0, NULL, &n, &t);
    assert_non_null(out);
    assert_int_equal(n, 0);
    assert_int_equal(t, 0);
    free(out);
    out = htmltext_convert("<p>www.a.example</p>", 20, NULL, &n, NULL);
    assert_string_equal(out, "www[.]a[.]example\n");
    free(out);
}

/* test_broken_markup - unclosed tags, broken entities, many attributes */
static void test_broken_markup(void **state)
{
    size_t cap = 200 * 12 + 64, len = 0;
    char *html = malloc(cap), *out;
    int t;

    (void)state;
    assert_non_null(html);
    out = render("<p>unclosed <b>bold <i>both<p>next &amp &#xZZ; &bogus; &#99999999;", SIZE_MAX,
                 POLICY_LANG_JA, POLICY_URL_DEFANG, 1 << 20, NULL);
    assert_true(testutil_contains(out, strlen(out), "unclosed bold both"));
    assert_true(testutil_contains(out, strlen(out), "next &"));
    free(out);
    /* a tag with absurdly many attributes is hidden rather than parsed */
    len += (size_t)sprintf(html + len, "<p>ok</p><div");
    for (int i = 0; i < 200; i++)
        len += (size_t)sprintf(html + len, " a%d=1", i);
    len += (size_t)sprintf(html + len, ">SECRET</div><p>end</p>");
    out = render(html, len, POLICY_LANG_JA, POLICY_URL_DEFANG, 1 << 20, &t);
    assert_string_equal(out, "ok\n\nend\n");
    assert_int_equal(t, 1);
    free(out);
    free(html);
}

/* main - run the group */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paragraphs),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_headings),
        cmocka_unit_test(test_quote_hr_pre),
        cmocka_unit_test(test_table_japanese),
        cmocka_unit_test(test_table_layout),
        cmocka_unit_test(test_table_hostile),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_link_policies),
        cmocka_unit_test(test_link_always),
        cmocka_unit_test(test_footnote_limit),
        cmocka_unit_test(test_hidden),
        cmocka_unit_test(test_entities_controls),
        cmocka_unit_test(test_meta_charset),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_max_out),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_broken_markup),
    };
    int rc;

    xmlInitParser();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
