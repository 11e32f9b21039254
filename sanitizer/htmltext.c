/*
 * NAME
 *	htmltext - HTML to readable plain text (libxml2's HTML parser)
 * DESCRIPTION
 *	libxml2 builds the tree; a walker without recursion renders it.
 *
 *	Text goes through a sink: one per output (the body, each table cell
 *	being laid out). A sink owes line breaks lazily, so there are never
 *	leading, trailing or doubled blank lines, and it collects the inline
 *	text of a line before running it through urlfilter_text, so that a
 *	URL split over several elements (<span>www.</span>evil.example) is
 *	still seen whole. Markers written by the renderer ("[1]", "[画像: x]",
 *	table rules) bypass the filter.
 *
 *	libxml2 gives up the whole parse beyond 256 open nodes, so elements
 *	below a depth cap are not put in the tree: their text is attached to
 *	the deepest node, flat, and hidden ones are dropped with their text
 *	right in the SAX callbacks. The parser's own work is counted in the
 *	callbacks and the parse is stopped (as truncated) when an input makes
 *	libxml2 go quadratic; tags with absurd numbers of attributes, which
 *	cost quadratic time before any callback, are neutralised beforehand.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "sanitizer/htmltext.h"
#include "sanitizer/limits.h"
#include "sanitizer/strbuf.h"
#include "sanitizer/textwrap.h"

/* Open nodes libxml2 may hold in the tree; it stops parsing beyond 256. */
#define TREE_DEPTH	(LIMITS_HTML_DEPTH < 240 ? LIMITS_HTML_DEPTH : 240)

/* Widest heading underline, in columns. */
#define UNDERLINE_MAX	LIMITS_WRAP_WIDTH_DEFAULT

/* Buckets of the footnote index (a power of two, over twice the limit). */
#define NOTE_BUCKETS	2048

/* How an element is rendered. */
enum ekind {
    E_INLINE, E_SKIP, E_VOID, E_BLOCK, E_DIV, E_BR, E_HR, E_PRE, E_LIST, E_LI,
    E_DL, E_DT, E_DD, E_H12, E_H36, E_QUOTE, E_A, E_IMG, E_INPUT,
    E_TABLE, E_CAPTION, E_ROWS, E_TR, E_CELL
};

/*
 * E_VOID: elements that are empty in HTML5 but that libxml2 2.9 parses as
 * containers (embed, source, ...); what it puts inside them is really what
 * follows them, so it is rendered, and their own attributes never hide it.
 */

/* How table parts are handled inside the innermost table. */
enum tmode { T_NONE, T_GRID, T_LAYOUT, T_FLAT };

/* Kinds of line prefix. */
enum skind { S_ITEM, S_QUOTE, S_INDENT, S_MARK };

static const struct {
    const char *name;
    enum ekind kind;
} elements[] = {
    { "a", E_A }, { "address", E_BLOCK }, { "applet", E_SKIP }, { "area", E_SKIP },
    { "article", E_BLOCK }, { "aside", E_DIV }, { "audio", E_SKIP }, { "base", E_SKIP },
    { "basefont", E_SKIP }, { "bgsound", E_VOID }, { "blockquote", E_QUOTE }, { "br", E_BR },
    { "canvas", E_SKIP }, { "caption", E_CAPTION }, { "center", E_BLOCK }, { "col", E_SKIP },
    { "colgroup", E_SKIP }, { "datalist", E_SKIP }, { "dd", E_DD }, { "details", E_DIV },
    { "dialog", E_DIV }, { "dir", E_LIST }, { "div", E_DIV }, { "dl", E_DL }, { "dt", E_DT },
    { "embed", E_VOID }, { "fieldset", E_BLOCK }, { "figcaption", E_DIV }, { "figure", E_BLOCK },
    { "footer", E_BLOCK }, { "form", E_BLOCK }, { "frame", E_SKIP }, { "frameset", E_SKIP },
    { "h1", E_H12 }, { "h2", E_H12 }, { "h3", E_H36 }, { "h4", E_H36 }, { "h5", E_H36 },
    { "h6", E_H36 }, { "head", E_SKIP }, { "header", E_BLOCK }, { "hgroup", E_DIV },
    { "hr", E_HR }, { "iframe", E_SKIP }, { "image", E_IMG }, { "img", E_IMG },
    { "input", E_INPUT }, { "keygen", E_VOID }, { "legend", E_DIV }, { "li", E_LI }, { "link", E_SKIP },
    { "listing", E_PRE }, { "main", E_DIV }, { "map", E_SKIP }, { "math", E_SKIP },
    { "menu", E_LIST }, { "meta", E_SKIP }, { "nav", E_DIV }, { "noembed", E_SKIP },
    { "noframes", E_SKIP }, { "noscript", E_SKIP }, { "object", E_SKIP }, { "ol", E_LIST },
    { "optgroup", E_SKIP }, { "option", E_SKIP }, { "p", E_BLOCK }, { "param", E_SKIP },
    { "plaintext", E_PRE }, { "pre", E_PRE }, { "script", E_SKIP }, { "section", E_BLOCK },
    { "select", E_SKIP }, { "source", E_VOID }, { "style", E_SKIP }, { "summary", E_DIV },
    { "svg", E_SKIP }, { "table", E_TABLE }, { "tbody", E_ROWS }, { "td", E_CELL },
    { "template", E_SKIP }, { "tfoot", E_ROWS }, { "th", E_CELL }, { "thead", E_ROWS },
    { "title", E_SKIP }, { "tr", E_TR }, { "track", E_VOID }, { "ul", E_LIST },
    { "video", E_SKIP }, { "xmp", E_PRE },
};

/* One piece of the prefix that starts every line of a block. */
typedef struct seg {
    enum skind	kind;
    int		used;		/* a line was written under it */
    int		level;		/* list nesting of an item */
    size_t	mark_width;
    char	mark[24];	/* "・ ", "12. ", "■ " */
} seg;

/* Where rendered text goes; see the DESCRIPTION. */
typedef struct sink {
    strbuf	out;		/* finished text; never ends in a line break */
    strbuf	text;		/* inline text of the open line, not yet filtered */
    seg	       *segs;
    size_t	nsegs, segcap;
    size_t	limit;		/* bytes out may hold */
    size_t	line_start;	/* where the open line's leading breaks begin */
    size_t	content_start;	/* where its content begins, after the prefix */
    size_t	measure;	/* widest line closed while measuring */
    int		pend;		/* line breaks owed before the next content: 0-2 */
    int		line_pend;	/* pend when the open line was started */
    int		open;		/* a line has been started */
    int		ws, ws_nl;	/* white space owed; it held a line break */
    int		last_wide;	/* last character was East Asian wide */
    int		pre;		/* inside <pre>: white space kept */
    int		lists;		/* open ul/ol */
    int		quotes_last;	/* quote depth of the last line closed */
    int		measuring;
    int		full;		/* limit reached: nothing more is taken */
    int		oom;
    const urlfilter_policy *pol;
} sink;

/* One cell of a table laid out as a grid. */
typedef struct tcell {
    char       *text;		/* rendered, filtered, lines split by LF */
    size_t	len, pos;	/* pos: start of the next line to lay out */
    size_t	col, span, width;
} tcell;

/* One row: a range of cells. */
typedef struct trow {
    size_t	first, n;
    int		header;
} trow;

/* A table being collected for grid layout. */
typedef struct table {
    tcell      *cells;
    size_t	ncells, ccap;
    trow       *rows;
    size_t	nrows, rcap;
    size_t     *busy;		/* per column: rows a rowspan still covers */
    size_t	ncols, bcap;
    size_t	col;		/* next column in the open row */
    size_t	positions;	/* grid positions used (colspans count) */
    size_t	bytes;		/* text collected */
    size_t	nth;		/* header cells in the open row */
    size_t	cell_col, cell_span;
    int		cell_header;
    int		row_open, thead, overflow, full;
    sink	cell;		/* the cell being rendered */
    sink	over;		/* cells beyond LIMITS_TABLE_CELLS, as lines */
} table;

/* State of one entered element, for its end. */
typedef struct frame {
    enum ekind	kind;
    int		segs;		/* prefixes pushed on sink */
    int		note;		/* footnote number to print at the end */
    int		ordered;
    int		cell;		/* 1: grid cell, 2: overflow cell */
    int		saved_thead;
    char	rule;		/* underline of an h1/h2 */
    long	counter;
    size_t	saved_list;
    enum tmode	saved_tmode;
    table      *saved_tab;
    table      *own_tab;
    sink       *sink;		/* the sink when entered */
    int		saved_measuring;
    size_t	saved_measure;
} frame;

/* One listed link target. */
typedef struct note {
    char       *href;
    char       *text;
} note;

/* The conversion of one document. */
typedef struct conv {
    urlfilter_policy pol;
    policy_lang	lang;
    size_t	limit;
    sink	top;
    sink       *cur;
    table      *tab;		/* innermost table collected as a grid */
    enum tmode	tmode;
    int		in_cell;	/* inside a grid cell: tables are flattened */
    size_t	list;		/* frame index + 1 of the innermost ul/ol */
    frame      *fr;
    size_t	nfr, frcap;
    note       *notes;
    size_t	nnotes, notecap;
    size_t     *buckets;	/* note index + 1, by hash of href */
    int		truncated;
    int		oom;
} conv;

/* SAX wrapper state, reached through the parser context's _private. */
typedef struct parse_state {
    startElementSAXFunc		start;
    endElementSAXFunc		end;
    charactersSAXFunc		chars;
    cdataBlockSAXFunc		cdata;
    ignorableWhitespaceSAXFunc	blanks;
    policy_lang	lang;
    unsigned long work;		/* open-element steps the parser took */
    size_t	over;		/* open elements below TREE_DEPTH */
    size_t	hide;		/* over-level of the outermost hidden one, 0 none */
    int		stopped;
    int		oom;
} parse_state;

/* ---- characters --------------------------------------------------- */

/* utf8_dec - decode one character; invalid bytes come back as U+FFFD, length 1 */
static size_t utf8_dec(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0], min;
    size_t len;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2; c &= 0x1f; min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3; c &= 0x0f; min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4; c &= 0x07; min = 0x10000;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    if (n < len) {
        *cp = 0xfffd;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        c = (c << 6) | (s[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        *cp = 0xfffd;
        return 1;
    }
    *cp = c;
    return len;
}

/* utf8_enc - encode one character into b (4 bytes room); returns its length */
static size_t utf8_enc(unsigned cp, char *b)
{
    if (cp < 0x80) {
        b[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    b[0] = (char)(0xf0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    b[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* invisible - format characters that hide or reorder text; never output */
static int invisible(unsigned cp)
{
    return cp == 0xad || cp == 0x61c || cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/* str_width - display columns of a UTF-8 string, as textwrap counts them */
static size_t str_width(const char *s, size_t n)
{
    return textwrap_width(s, n);
}

/* joins_cjk - a line break between two such characters is no space (CSS Text 3) */
static int joins_cjk(unsigned cp)
{
    char b[4];

    if (cp < 0x1100 || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x1100 && cp <= 0x115f))
        return 0;	/* Hangul is written with spaces */
    return str_width(b, utf8_enc(cp, b)) == 2;
}

/* ---- sink --------------------------------------------------------- */

/* sink_init - an empty sink */
static void sink_init(sink *s, const urlfilter_policy *pol, size_t limit)
{
    memset(s, 0, sizeof(*s));
    s->pol = pol;
    s->limit = limit;
}

/* sink_free - release a sink's memory */
static void sink_free(sink *s)
{
    strbuf_free(&s->out);
    strbuf_free(&s->text);
    free(s->segs);
    s->segs = NULL;
    s->nsegs = s->segcap = 0;
}

/* sink_put - append to the finished text, cut at a character boundary at the limit */
static void sink_put(sink *s, const char *p, size_t n)
{
    if (s->full || n == 0)
        return;
    if (n > s->limit - s->out.len) {
        n = s->limit - s->out.len;
        while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
            n--;
        s->full = 1;
    }
    if (strbuf_append(&s->out, p, n) < 0)
        s->oom = 1;
}

/* sink_flush - run the collected inline text through the URL filter into out */
static void sink_flush(sink *s)
{
    size_t fl;
    char *f;

    if (s->text.oom)
        s->oom = 1;
    if (s->text.len == 0)
        return;
    f = urlfilter_text(s->pol, s->text.s, s->text.len, &fl);
    if (!f)
        s->oom = 1;
    else
        sink_put(s, f, fl);
    free(f);
    s->text.len = 0;
    s->text.s[0] = 0;
}

/* quote_depth - blockquotes around the current line */
static int quote_depth(const sink *s)
{
    int q = 0;

    for (size_t i = 0; i < s->nsegs; i++)
        q += s->segs[i].kind == S_QUOTE;
    return q;
}

/* put_spaces - append n spaces */
static void put_spaces(sink *s, size_t n)
{
    static const char sp[] = "                                ";

    while (n > 0 && !s->full) {
        size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
        sink_put(s, sp, k);
        n -= k;
    }
}

/* put_prefix - the prefix of a new line: list indent and marker, quotes, indents */
static void put_prefix(sink *s)
{
    for (size_t i = 0; i < s->nsegs; i++) {
        const seg *g = &s->segs[i];
        switch (g->kind) {
        case S_ITEM:
            /* an inner item is indented by its level; the outer one is not repeated */
            if (i + 1 < s->nsegs && s->segs[i + 1].kind == S_ITEM)
                break;
            put_spaces(s, 2 * (size_t)(g->level - 1));
            if (g->used)
                put_spaces(s, g->mark_width);
            else
                sink_put(s, g->mark, strlen(g->mark));
            break;
        case S_QUOTE:
            sink_put(s, "> ", 2);
            break;
        case S_INDENT:
            sink_put(s, "  ", 2);
            break;
        case S_MARK:
            if (!g->used)
                sink_put(s, g->mark, strlen(g->mark));
            break;
        }
    }
}

/* sink_open - start a line: the owed breaks, then the prefix */
static void sink_open(sink *s)
{
    if (s->open)
        return;
    s->line_start = s->out.len;
    s->line_pend = s->pend;
    if (s->out.len > 0) {
        sink_put(s, "\n", 1);
        if (s->pend >= 2) {
            /* a blank line inside a quote keeps the quote going */
            int q = quote_depth(s);
            if (q > s->quotes_last)
                q = s->quotes_last;
            for (int i = 0; i < q; i++)
                sink_put(s, i + 1 < q ? "> " : ">", i + 1 < q ? 2 : 1);
            sink_put(s, "\n", 1);
        }
    }
    put_prefix(s);
    s->content_start = s->out.len;
    s->open = 1;
    s->ws = s->ws_nl = 0;
    s->last_wide = 0;
}

/* sink_close - end the open line; a line with nothing after its prefix is taken back */
static void sink_close(sink *s, int breaks)
{
    sink_flush(s);
    while (s->out.len > s->line_start &&
           (s->out.s[s->out.len - 1] == ' ' || s->out.s[s->out.len - 1] == '\t'))
        s->out.len--;
    if (s->out.len <= s->content_start) {
        s->out.len = s->line_start;
        s->pend = s->line_pend > breaks ? s->line_pend : breaks;
    } else {
        if (s->measuring) {
            size_t w = str_width(s->out.s + s->content_start, s->out.len - s->content_start);
            if (w > s->measure)
                s->measure = w;
        }
        for (size_t i = 0; i < s->nsegs; i++)
            s->segs[i].used = 1;
        s->quotes_last = quote_depth(s);
        s->pend = breaks;
    }
    if (s->out.s)
        s->out.s[s->out.len] = 0;
    s->open = 0;
    s->ws = s->ws_nl = 0;
    s->last_wide = 0;
}

/* sink_break - owe a line break (1) or a blank line (2) */
static void sink_break(sink *s, int breaks)
{
    if (s->open)
        sink_close(s, breaks);
    else if (s->pend < breaks)
        s->pend = breaks;
}

/* sink_br - a forced line break; two in a row make a blank line */
static void sink_br(sink *s)
{
    if (s->open)
        sink_close(s, 1);
    else if (s->out.len > 0 && s->pend < 2)
        s->pend++;
}

/* sink_space - collapsible white space */
static void sink_space(sink *s, int newline)
{
    if (!s->open)
        return;
    s->ws = 1;
    if (newline)
        s->ws_nl = 1;
}

/* sink_cp - one visible character of inline text */
static void sink_cp(sink *s, unsigned cp)
{
    char b[4];
    int wide = joins_cjk(cp);

    if (s->full)
        return;
    if (!s->open)
        sink_open(s);
    else if (s->ws && !(s->ws_nl && s->last_wide && wide))
        strbuf_append(&s->text, " ", 1);
    s->ws = s->ws_nl = 0;
    if (strbuf_append(&s->text, b, utf8_enc(cp, b)) < 0)
        s->oom = 1;
    s->last_wide = wide;
    /* beyond the limit the text cannot all be used anyway */
    if (s->text.len >= s->limit)
        sink_flush(s);
}

/* sink_mark - renderer text that must not be filtered ("[1]", "[画像: ") */
static void sink_mark(sink *s, const char *p, size_t n)
{
    if (s->full)
        return;
    if (!s->open)
        sink_open(s);
    else if (s->ws)
        strbuf_append(&s->text, " ", 1);
    s->ws = s->ws_nl = 0;
    sink_flush(s);
    sink_put(s, p, n);
    s->last_wide = 0;
}

/* sink_line - a whole line of laid-out text that is already filtered */
static void sink_line(sink *s, const char *p, size_t n)
{
    sink_break(s, 1);
    sink_open(s);
    sink_put(s, p, n);
    sink_close(s, 1);
}

/* sink_take - finish a sink's text (no final line break) and hand it over */
static char *sink_take(sink *s, size_t *len)
{
    if (s->open)
        sink_close(s, 1);
    if (strbuf_append(&s->out, "", 0) < 0)
        s->oom = 1;
    return strbuf_steal(&s->out, len);
}

/* seg_push - add a line prefix; returns 1 if pushed */
static int seg_push(sink *s, enum skind kind, int level, const char *mark)
{
    seg *g;

    if (s->nsegs == s->segcap) {
        size_t nc = s->segcap ? s->segcap * 2 : 8;
        seg *ns = realloc(s->segs, nc * sizeof(*ns));
        if (!ns) {
            s->oom = 1;
            return 0;
        }
        s->segs = ns;
        s->segcap = nc;
    }
    g = &s->segs[s->nsegs++];
    memset(g, 0, sizeof(*g));
    g->kind = kind;
    g->level = level < 1 ? 1 : level;
    if (mark) {
        snprintf(g->mark, sizeof(g->mark), "%s", mark);
        g->mark_width = str_width(g->mark, strlen(g->mark));
    }
    return 1;
}

/* ---- attributes --------------------------------------------------- */

/* classify - how an element (lower case name, as libxml2 gives) is rendered */
static enum ekind classify(const char *name)
{
    size_t lo = 0, hi = sizeof(elements) / sizeof(elements[0]);

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, elements[mid].name);
        if (c == 0)
            return elements[mid].kind;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return E_INLINE;
}

/* css_zero - a CSS length or number that is zero ("0", "0px", ".0em", "0%") */
static int css_zero(const char *v)
{
    int digits = 0;

    if (*v == '+' || *v == '-')
        v++;
    for (; (*v >= '0' && *v <= '9') || *v == '.'; v++) {
        if (*v >= '1' && *v <= '9')
            return 0;
        digits += *v == '0';
    }
    if (!digits)
        return 0;
    for (; *v; v++)
        if (!((*v >= 'a' && *v <= 'z') || *v == '%'))
            return 0;
    return 1;
}

/* decl_hides - one CSS declaration (lower case, no blanks) that hides its element */
static int decl_hides(char *decl)
{
    char *v = strchr(decl, ':'), *imp;

    if (!v)
        return 0;
    *v++ = 0;
    if ((imp = strstr(v, "!important")) != NULL)
        *imp = 0;
    if (!strcmp(decl, "display"))
        return !strcmp(v, "none");
    if (!strcmp(decl, "visibility"))
        return !strcmp(v, "hidden") || !strcmp(v, "collapse");
    if (!strcmp(decl, "mso-hide"))
        return !strcmp(v, "all");
    if (!strcmp(decl, "font-size") || !strcmp(decl, "opacity") || !strcmp(decl, "max-height"))
        return css_zero(v);
    return 0;
}

/*
 * style_hides - an inline style that makes the element invisible; read
 * without blanks, CSS comments or case ("DISPLAY : none" is display:none),
 * one declaration at a time (longer ones are none of those above)
 */
static int style_hides(const char *style)
{
    char decl[256];
    size_t dn = 0;
    int toolong = 0;

    for (const char *p = style; ; p++) {
        if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            if (!e)
                p += strlen(p) - 1;	/* the rest is a comment */
            else
                p = e + 1;
            continue;
        }
        if (*p == ';' || *p == 0) {
            decl[dn] = 0;
            if (!toolong && decl_hides(decl))
                return 1;
            if (*p == 0)
                return 0;
            dn = 0;
            toolong = 0;
        } else if ((unsigned char)*p > 0x20) {
            if (dn + 1 < sizeof(decl))
                decl[dn++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
            else
                toolong = 1;
        }
    }
}

/* attr_hides - one attribute that hides its element */
static int attr_hides(const char *name, const char *value)
{
    if (!strcmp(name, "hidden"))
        return 1;
    if (!value)
        return 0;
    if (!strcmp(name, "aria-hidden")) {
        while (*value == ' ' || *value == '\t' || *value == '\n' || *value == '\r')
            value++;
        return !strncasecmp(value, "true", 4) &&
               (value[4] == 0 || value[4] == ' ' || value[4] == '\t' || value[4] == '\n');
    }
    if (!strcmp(name, "style"))
        return style_hides(value);
    return 0;
}

/* attr_value - an attribute's text as libxml2 stored it, or NULL */
static const char *attr_value(const xmlAttr *a)
{
    if (a->children && a->children->content)
        return (const char *)a->children->content;
    return NULL;
}

/* node_attr - the value of a named attribute of an element, or NULL */
static const char *node_attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (a->name && !strcmp((const char *)a->name, name))
            return attr_value(a) ? attr_value(a) : "";
    return NULL;
}

/* node_hidden - the element is not shown by a browser */
static int node_hidden(const xmlNode *n)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (a->name && attr_hides((const char *)a->name, attr_value(a)))
            return 1;
    return !strcmp((const char *)n->name, "dialog") && !node_attr(n, "open");
}

/* atts_value - the value of a named attribute in a SAX attribute list, or NULL */
static const char *atts_value(const xmlChar **atts, const char *name)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (!strcmp((const char *)atts[i], name))
            return atts[i + 1] ? (const char *)atts[i + 1] : "";
    return NULL;
}

/* atts_hidden - node_hidden for a SAX start tag */
static int atts_hidden(const char *name, const xmlChar **atts)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (attr_hides((const char *)atts[i], (const char *)atts[i + 1]))
            return 1;
    return !strcmp(name, "dialog") && !atts_value(atts, "open");
}

/* is_image_input - <input type=image>, the one input that shows text (its alt) */
static int is_image_input(const char *type)
{
    return type && !strcasecmp(type, "image");
}

/* num_attr - a numeric attribute (colspan, start...) clamped to [lo, hi]; def when absent or bad */
static long num_attr(const char *v, long def, long lo, long hi)
{
    char *end;
    long x;

    if (!v)
        return def;
    x = strtol(v, &end, 10);
    if (end == v)
        return def;
    return x < lo ? lo : x > hi ? hi : x;
}

/* image_label - "[画像: alt]" text for an alt, or 0 when the alt shows nothing */
static void image_label(policy_lang lang, const char *alt, strbuf *b)
{
    const unsigned char *s = (const unsigned char *)alt;
    size_t n = strlen(alt), start = b->len;
    int space = 0;
    unsigned cp;
    char e[4];

    strbuf_puts(b, lang == POLICY_LANG_EN ? "[image: " : "[画像: ");
    size_t body = b->len;
    for (size_t i = 0; i < n; ) {
        i += utf8_dec(s + i, n - i, &cp);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == 0xa0 ||
            cp == 0x2028 || cp == 0x2029) {
            space = b->len > body;
            continue;
        }
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || invisible(cp))
            continue;
        if (space)
            strbuf_append(b, " ", 1);
        space = 0;
        strbuf_append(b, e, utf8_enc(cp, e));
    }
    if (b->len == body) {
        b->len = start;
        if (b->s)
            b->s[start] = 0;
        return;
    }
    strbuf_append(b, "]", 1);
}

/* ---- SAX wrappers ------------------------------------------------- */

/* sax_state - the wrapper state of a parser context */
static parse_state *sax_state(void *ctx)
{
    return ctx ? (parse_state *)((xmlParserCtxtPtr)ctx)->_private : NULL;
}

/* sax_work - count the parser's work, cost units at a time; stop it when spent */
static int sax_work(void *ctx, parse_state *ps, unsigned long cost)
{
    xmlParserCtxtPtr ctxt = ctx;

    if (ps->stopped)
        return -1;
    ps->work += cost;
    if (ps->work > LIMITS_HTML_WORK) {
        ps->stopped = 1;
        xmlStopParser(ctxt);
        return -1;
    }
    return 0;
}

/* sax_start - start tag: into the tree, or flattened below TREE_DEPTH */
static void sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *ps = sax_state(ctx);
    enum ekind k;

    if (!ps || sax_work(ctx, ps, 1) < 0)
        return;
    if (ps->over == 0 && ctxt->nodeNr < TREE_DEPTH) {
        ps->start(ctx, name, atts);
        return;
    }
    ps->over++;
    if (ps->hide)
        return;
    k = classify((const char *)name);
    if (k == E_VOID || !strcmp((const char *)name, "image")) {
        /* see E_VOID: never hides what follows */
        if (k == E_VOID || atts_hidden((const char *)name, atts))
            k = E_INLINE;
    } else if (k == E_SKIP || atts_hidden((const char *)name, atts) ||
               (k == E_INPUT && !is_image_input(atts_value(atts, "type")))) {
        ps->hide = ps->over;
        return;
    }
    if (k == E_IMG || k == E_INPUT) {
        const char *alt = atts_value(atts, "alt");
        strbuf b = { 0 };
        if (alt && ps->chars) {
            image_label(ps->lang, alt, &b);
            if (b.oom)
                ps->oom = 1;
            else if (b.len)
                ps->chars(ctx, (const xmlChar *)b.s, (int)b.len);
        }
        strbuf_free(&b);
    } else if (k != E_INLINE && k != E_A && ps->chars) {
        ps->chars(ctx, (const xmlChar *)"\n", 1);
    }
}

/* sax_end - end tag: matches the flattened start tags first (the parser closes in order) */
static void sax_end(void *ctx, const xmlChar *name)
{
    parse_state *ps = sax_state(ctx);
    enum ekind k;

    if (!ps || sax_work(ctx, ps, 1) < 0)
        return;
    if (ps->over == 0) {
        ps->end(ctx, name);
        return;
    }
    if (ps->hide == ps->over) {
        ps->hide = 0;
    } else if (!ps->hide) {
        k = classify((const char *)name);
        if (k != E_INLINE && k != E_VOID && k != E_A && k != E_IMG && k != E_INPUT && ps->chars)
            ps->chars(ctx, (const xmlChar *)"\n", 1);
    }
    ps->over--;
}

/* sax_chars - text, unless inside a flattened hidden element */
static void sax_chars(void *ctx, const xmlChar *ch, int len)
{
    parse_state *ps = sax_state(ctx);

    if (ps && !ps->stopped && !ps->hide && ps->chars)
        ps->chars(ctx, ch, len);
}

/* sax_cdata - script and style bodies, likewise */
static void sax_cdata(void *ctx, const xmlChar *ch, int len)
{
    parse_state *ps = sax_state(ctx);

    if (ps && !ps->stopped && !ps->hide && ps->cdata)
        ps->cdata(ctx, ch, len);
}

/* sax_blanks - ignorable white space, likewise */
static void sax_blanks(void *ctx, const xmlChar *ch, int len)
{
    parse_state *ps = sax_state(ctx);

    if (ps && !ps->stopped && !ps->hide && ps->blanks)
        ps->blanks(ctx, ch, len);
}

/*
 * sax_error - errors are not reported, only counted: a misplaced end tag
 * (or body) costs libxml2 a scan of its whole element stack, which is
 * where hostile nesting makes it quadratic
 */
static void sax_error(void *ctx, xmlErrorPtr err)
{
    parse_state *ps = sax_state(ctx);
    xmlParserCtxtPtr ctxt = ctx;
    unsigned long cost = 1;

    if (!ps)
        return;
    if (err && (err->code == XML_ERR_TAG_NAME_MISMATCH || err->code == XML_HTML_STRUCURE_ERROR) &&
        ctxt->nameNr > 0)
        cost += (unsigned long)ctxt->nameNr;
    (void)sax_work(ctx, ps, cost);
}

/* ---- before parsing ------------------------------------------------ */

/* is_blank - HTML white space */
static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* is_letter - ASCII letter */
static int is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* is_name_char - continues a tag or attribute name, as libxml2 reads it */
static int is_name_char(unsigned char c)
{
    return is_letter(c) || (c >= '0' && c <= '9') || c == ':' || c == '-' || c == '_' || c == '.';
}

/*
 * tag_scan - read a start tag at s[i] ('<' then a letter) the way libxml2
 * does; returns its end and the number of attributes in *atts
 */
static size_t tag_scan(const char *s, size_t n, size_t i, size_t *atts)
{
    size_t j = i + 1;

    *atts = 0;
    while (j < n && is_name_char((unsigned char)s[j]))
        j++;
    for (;;) {
        while (j < n && is_blank((unsigned char)s[j]))
            j++;
        if (j >= n)
            return n;
        if (s[j] == '>')
            return j + 1;
        if (s[j] == '/' && j + 1 < n && s[j + 1] == '>')
            return j + 2;
        if (is_letter((unsigned char)s[j]) || s[j] == '_' || s[j] == ':' || s[j] == '.') {
            size_t k = j;
            while (j < n && is_name_char((unsigned char)s[j]))
                j++;
            /* libxml2 reads names in pieces of 100 */
            *atts += 1 + (j - k) / 100;
            while (j < n && is_blank((unsigned char)s[j]))
                j++;
            if (j < n && s[j] == '=') {
                j++;
                while (j < n && is_blank((unsigned char)s[j]))
                    j++;
                if (j < n && (s[j] == '"' || s[j] == '\'')) {
                    const char *q = memchr(s + j + 1, s[j], n - j - 1);
                    j = q ? (size_t)(q - s) + 1 : n;
                } else {
                    while (j < n && !is_blank((unsigned char)s[j]) && s[j] != '>')
                        j++;
                }
            }
        } else {
            while (j < n && !is_blank((unsigned char)s[j]) && s[j] != '>' &&
                   !(s[j] == '/' && j + 1 < n && s[j + 1] == '>'))
                j++;
        }
    }
}

/*
 * attr_guard - libxml2 checks each attribute against all earlier ones, so
 * a tag with 100000 attributes takes minutes; such tags (never seen in
 * real mail) become "<name hidden>". Returns 0 and leaves *out NULL when
 * nothing needed changing, -1 when out of memory.
 */
static int attr_guard(const char *s, size_t n, strbuf *out)
{
    size_t i = 0, copied = 0, end, atts, name;

    while (i + 1 < n) {
        const char *lt = memchr(s + i, '<', n - i - 1);
        if (!lt)
            break;
        i = (size_t)(lt - s);
        if (!is_letter((unsigned char)s[i + 1])) {
            i++;
            continue;
        }
        end = tag_scan(s, n, i, &atts);
        if (atts > LIMITS_HTML_ATTRS) {
            for (name = i + 1; name < n && is_name_char((unsigned char)s[name]); name++)
                ;
            strbuf_append(out, s + copied, name - copied);
            strbuf_puts(out, " hidden>");
            copied = end;
        }
        i = end;
    }
    if (copied == 0)
        return 0;
    strbuf_append(out, s + copied, n - copied);
    return out->oom ? -1 : 0;
}

/*
 * nul_guard - libxml2 2.9 takes a NUL byte for the end of the input in
 * places (inside a tag everything after it is lost), so each becomes
 * U+FFFD first, as a browser reads one in a tag. Returns 0 and leaves *out
 * empty when there is none, -1 when out of memory.
 */
static int nul_guard(const char *s, size_t n, strbuf *out)
{
    const char *z = memchr(s, 0, n), *end = s + n;

    while (z) {
        strbuf_append(out, s, (size_t)(z - s));
        strbuf_puts(out, "\xef\xbf\xbd");
        s = z + 1;
        z = memchr(s, 0, (size_t)(end - s));
    }
    if (out->len == 0 && !out->oom)
        return 0;
    strbuf_append(out, s, (size_t)(end - s));
    return out->oom ? -1 : 0;
}

/* parse - libxml2's HTML parser with the wrappers; UTF-8 forced, no network */
static xmlDocPtr parse(const char *html, size_t len, parse_state *ps, int *oom)
{
    htmlParserCtxtPtr ctxt;
    xmlDocPtr doc;

    *oom = 0;
    if (len == 0)
        return NULL;
    if (!(ctxt = htmlNewParserCtxt()) || !ctxt->sax) {
        if (ctxt)
            htmlFreeParserCtxt(ctxt);
        *oom = 1;
        return NULL;
    }
    ps->start = ctxt->sax->startElement;
    ps->end = ctxt->sax->endElement;
    ps->chars = ctxt->sax->characters;
    ps->cdata = ctxt->sax->cdataBlock;
    ps->blanks = ctxt->sax->ignorableWhitespace;
    ctxt->sax->startElement = sax_start;
    ctxt->sax->endElement = sax_end;
    ctxt->sax->characters = sax_chars;
    ctxt->sax->cdataBlock = sax_cdata;
    ctxt->sax->ignorableWhitespace = sax_blanks;
    /* the structured error callback is only used with the SAX2 mark */
    ctxt->sax->initialized = XML_SAX2_MAGIC;
    ctxt->sax->serror = sax_error;
    ctxt->_private = ps;
    doc = htmlCtxtReadMemory(ctxt, html, (int)len, NULL, "UTF-8",
                             HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                             HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    htmlFreeParserCtxt(ctxt);
    return doc;
}

/* ---- footnotes ---------------------------------------------------- */

/* note_hash - FNV-1a of a string */
static size_t note_hash(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* note_find - the bucket of href: its note, or the free one to put it in; -1 when out of memory */
static size_t note_find(conv *c, const char *href)
{
    size_t b;

    if (!c->buckets && !(c->buckets = calloc(NOTE_BUCKETS, sizeof(*c->buckets)))) {
        c->oom = 1;
        return (size_t)-1;
    }
    for (b = note_hash(href) & (NOTE_BUCKETS - 1); c->buckets[b]; b = (b + 1) & (NOTE_BUCKETS - 1))
        if (!strcmp(c->notes[c->buckets[b] - 1].href, href))
            break;
    return b;
}

/*
 * clean - a copy with only valid UTF-8 and without control or invisible
 * characters; a link target is cleaned before it is judged, since
 * cleaning afterwards could join "https\u0085://" into a live URL
 */
static char *clean(const char *t)
{
    const unsigned char *p = (const unsigned char *)t;
    size_t n = strlen(t);
    strbuf b = { 0 };
    unsigned cp;
    char e[4];

    for (size_t i = 0; i < n; ) {
        i += utf8_dec(p + i, n - i, &cp);
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || invisible(cp) || cp == 0x2028 || cp == 0x2029)
            continue;
        strbuf_append(&b, e, utf8_enc(cp, e));
    }
    if (strbuf_append(&b, "", 0) < 0) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b, NULL);
}

/* note_for - footnote number of a link target, 0 when it is not listed */
static int note_for(conv *c, const char *raw)
{
    size_t b;
    char *text, *href = clean(raw);

    if (!href) {
        c->oom = 1;
        return 0;
    }
    b = note_find(c, href);
    if (b == (size_t)-1 || c->buckets[b]) {
        int num = b == (size_t)-1 ? 0 : (int)c->buckets[b];
        free(href);
        return num;
    }
    if (c->nnotes >= LIMITS_FOOTNOTES) {
        free(href);
        return 0;
    }
    text = urlfilter_link(&c->pol, href, NULL);
    if (!text) {
        free(href);
        return 0;
    }
    if (c->nnotes == c->notecap) {
        size_t nc = c->notecap ? c->notecap * 2 : 16;
        note *nn = realloc(c->notes, nc * sizeof(*nn));
        if (!nn) {
            free(text);
            free(href);
            c->oom = 1;
            return 0;
        }
        c->notes = nn;
        c->notecap = nc;
    }
    c->notes[c->nnotes].href = href;
    c->notes[c->nnotes].text = text;
    c->buckets[b] = ++c->nnotes;
    return (int)c->nnotes;
}

/* put_notes - the footnote list after the body */
static void put_notes(conv *c)
{
    sink *s = &c->top;
    char num[32];

    if (c->nnotes == 0)
        return;
    sink_break(s, 2);
    sink_line(s, c->lang == POLICY_LANG_EN ? "Links:" : "リンク:",
              strlen(c->lang == POLICY_LANG_EN ? "Links:" : "リンク:"));
    for (size_t i = 0; i < c->nnotes && !s->full; i++) {
        int k = snprintf(num, sizeof(num), "[%zu] ", i + 1);
        sink_open(s);
        sink_put(s, num, (size_t)k);
        /* the target is already cleaned and rendered by urlfilter_link */
        sink_put(s, c->notes[i].text, strlen(c->notes[i].text));
        sink_close(s, 1);
    }
}

/* ---- tables ------------------------------------------------------- */

/* table_free - release a table and everything it collected */
static void table_free(table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncells; i++)
        free(t->cells[i].text);
    free(t->cells);
    free(t->rows);
    free(t->busy);
    sink_free(&t->cell);
    sink_free(&t->over);
    free(t);
}

/* is_layout - every row has at most one cell: a layout table, read as paragraphs */
static int is_layout(const xmlNode *tbl)
{
    for (const xmlNode *n = tbl->children; n; n = n->next) {
        const xmlNode *rows = n;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (classify((const char *)n->name) == E_CELL)
            return 0;
        if (classify((const char *)n->name) == E_ROWS)
            rows = n->children;
        for (const xmlNode *r = rows; r; r = (rows == n ? NULL : r->next)) {
            int cells = 0;
            if (r->type != XML_ELEMENT_NODE || classify((const char *)r->name) != E_TR)
                continue;
            for (const xmlNode *d = r->children; d; d = d->next)
                if (d->type == XML_ELEMENT_NODE && classify((const char *)d->name) == E_CELL &&
                    ++cells > 1)
                    return 0;
        }
    }
    return 1;
}

/* row_end - close the open row: decide whether it is a header, age the rowspans */
static void row_end(table *t)
{
    trow *r;

    if (!t->row_open)
        return;
    r = &t->rows[t->nrows - 1];
    r->header = t->thead || (r->n > 0 && t->nth == r->n);
    for (size_t k = 0; k < t->ncols; k++)
        if (t->busy[k] > 0)
            t->busy[k]--;
    t->row_open = 0;
}

/* row_start - open a new row */
static int row_start(conv *c, table *t)
{
    row_end(t);
    if (t->nrows == t->rcap) {
        size_t nc = t->rcap ? t->rcap * 2 : 16;
        trow *nr = realloc(t->rows, nc * sizeof(*nr));
        if (!nr) {
            c->oom = 1;
            return -1;
        }
        t->rows = nr;
        t->rcap = nc;
    }
    t->rows[t->nrows].first = t->ncells;
    t->rows[t->nrows].n = 0;
    t->rows[t->nrows].header = 0;
    t->nrows++;
    t->row_open = 1;
    t->col = 0;
    t->nth = 0;
    return 0;
}

/* cell_begin - start collecting a td/th; returns 0 to skip it */
static int cell_begin(conv *c, frame *f, const xmlNode *n)
{
    table *t = c->tab;
    size_t span, rows;

    if (t->full) {
        c->truncated = 1;
        return 0;
    }
    if (!t->row_open && !t->overflow && row_start(c, t) < 0)
        return 0;
    span = (size_t)num_attr(node_attr(n, "colspan"), 1, 1, LIMITS_TABLE_SPAN);
    rows = (size_t)num_attr(node_attr(n, "rowspan"), 1, 1, LIMITS_TABLE_SPAN);
    if (t->overflow || t->positions + span > LIMITS_TABLE_CELLS) {
        t->overflow = 1;
        sink_break(&t->over, 1);
        f->cell = 2;
        c->cur = &t->over;
        c->in_cell++;
        return 1;
    }
    while (t->col < t->ncols && t->busy[t->col] > 0)
        t->col++;
    if (t->col + span > t->bcap) {
        size_t nc = t->bcap ? t->bcap : 16;
        while (nc < t->col + span)
            nc *= 2;
        size_t *nb = realloc(t->busy, nc * sizeof(*nb));
        if (!nb) {
            c->oom = 1;
            return 0;
        }
        t->busy = nb;
        t->bcap = nc;
    }
    while (t->ncols < t->col + span)
        t->busy[t->ncols++] = 0;
    for (size_t k = t->col; k < t->col + span; k++)
        t->busy[k] = rows;
    t->cell_col = t->col;
    t->cell_span = span;
    t->cell_header = !strcmp((const char *)n->name, "th");
    t->col += span;
    t->positions += span;
    sink_init(&t->cell, &c->pol, c->limit);
    t->cell.pre = c->cur->pre > 0;
    f->cell = 1;
    c->cur = &t->cell;
    c->in_cell++;
    return 1;
}

/* cell_end - store the rendered cell */
static void cell_end(conv *c, frame *f)
{
    table *t = c->tab;
    tcell *tc;
    char *text;
    size_t len;

    c->in_cell--;
    c->cur = f->sink;
    if (f->cell == 2) {
        sink_break(&t->over, 1);
        return;
    }
    if (t->cell.full)
        c->truncated = 1;
    if (t->cell.oom)
        c->oom = 1;
    text = sink_take(&t->cell, &len);
    sink_free(&t->cell);
    if (!text) {
        c->oom = 1;
        return;
    }
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\t')
            text[i] = ' ';
    if (t->ncells == t->ccap) {
        size_t nc = t->ccap ? t->ccap * 2 : 16;
        tcell *ncl = realloc(t->cells, nc * sizeof(*ncl));
        if (!ncl) {
            free(text);
            c->oom = 1;
            return;
        }
        t->cells = ncl;
        t->ccap = nc;
    }
    tc = &t->cells[t->ncells++];
    memset(tc, 0, sizeof(*tc));
    tc->text = text;
    tc->len = len;
    tc->col = t->cell_col;
    tc->span = t->cell_span;
    t->rows[t->nrows - 1].n++;
    t->nth += t->cell_header;
    t->bytes += len;
    if (t->bytes > c->limit)
        t->full = 1;
}

/* cell_line - the next line of a cell (empty once its lines are used up) */
static const char *cell_line(tcell *tc, size_t *len)
{
    const char *p = tc->text + tc->pos, *nl;
    size_t left = tc->len - tc->pos;

    if (left == 0) {
        *len = 0;
        return "";
    }
    nl = memchr(p, '\n', left);
    *len = nl ? (size_t)(nl - p) : left;
    tc->pos += *len + (nl ? 1 : 0);
    return p;
}

/* cell_width - display width of a cell: its widest line */
static size_t cell_width(const tcell *tc)
{
    size_t w = 0, i = 0;

    while (i < tc->len) {
        const char *nl = memchr(tc->text + i, '\n', tc->len - i);
        size_t l = nl ? (size_t)(nl - tc->text) - i : tc->len - i, lw;
        lw = str_width(tc->text + i, l);
        if (lw > w)
            w = lw;
        i += l + 1;
    }
    return w;
}

/* put_plain - a text of lines as one paragraph of dst */
static void put_plain(sink *dst, const char *text, size_t len)
{
    size_t i = 0;

    while (i < len && !dst->full) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t l = nl ? (size_t)(nl - text) - i : len - i;
        if (l == 0)
            sink_br(dst);
        else
            sink_line(dst, text + i, l);
        i += l + 1;
    }
}

/* pad_cell - one line of a cell, padded to width unless it is the last column */
static void pad_cell(strbuf *b, const char *p, size_t n, size_t width, int last)
{
    size_t w = str_width(p, n);

    strbuf_append(b, p, n);
    if (!last)
        for (; w < width; w++)
            strbuf_append(b, " ", 1);
}

/* table_grid - lay the cells out as aligned columns; returns -1 when it does not fit */
static int table_grid(conv *c, table *t, sink *dst)
{
    size_t nc = t->ncols, *w, *kept_at, nkept = 0, total = 0;
    char *kept;
    strbuf line = { 0 };
    int rc = -1;

    w = calloc(nc + 1, sizeof(*w));
    kept_at = calloc(nc + 1, sizeof(*kept_at));
    kept = calloc(nc + 1, 1);
    if (!w || !kept_at || !kept) {
        c->oom = 1;
        goto done;
    }
    for (size_t i = 0; i < t->ncells; i++) {
        tcell *tc = &t->cells[i];
        tc->width = cell_width(tc);
        if (tc->len > 0)
            kept[tc->col] = 1;
        if (tc->span == 1 && tc->width > w[tc->col])
            w[tc->col] = tc->width;
    }
    /* columns without any text are dropped (spacer cells of layout tables) */
    for (size_t k = 0; k < nc; k++) {
        if (w[k] > 0)
            kept[k] = 1;
        if (kept[k])
            kept_at[nkept++] = k;
    }
    for (size_t i = 0; i < t->ncells; i++) {
        tcell *tc = &t->cells[i];
        size_t have = 0, n = 0, last = tc->col;
        if (tc->span == 1 || tc->len == 0)
            continue;
        for (size_t k = tc->col; k < tc->col + tc->span && k < nc; k++) {
            if (!kept[k])
                continue;
            have += w[k] + (n ? 3 : 0);
            n++;
            last = k;
        }
        if (tc->width > have)
            w[last] += tc->width - have;
    }
    for (size_t k = 0; k < nkept; k++)
        total += w[kept_at[k]] + (k ? 3 : 0);
    if (nkept <= 1 || total > LIMITS_TABLE_WIDTH)
        goto done;
    rc = 0;
    for (size_t r = 0; r < t->nrows && !dst->full && !c->oom; r++) {
        trow *row = &t->rows[r];
        size_t height = 0, lastcol = 0;
        int any = 0;
        for (size_t i = row->first; i < row->first + row->n; i++) {
            tcell *tc = &t->cells[i];
            size_t lines = 1;
            if (tc->len == 0)
                continue;
            for (size_t j = 0; j < tc->len; j++)
                lines += tc->text[j] == '\n';
            if (lines > height)
                height = lines;
            for (size_t k = tc->col; k < tc->col + tc->span && k < nc; k++)
                if (kept[k])
                    lastcol = k;
            any = 1;
        }
        if (!any)
            continue;
        for (size_t h = 0; h < height && !dst->full; h++) {
            size_t ci = row->first, cend = row->first + row->n, used = 0;
            line.len = 0;
            for (size_t kk = 0; kk < nkept && kept_at[kk] <= lastcol; kk++) {
                size_t k = kept_at[kk], width = w[k], ln = 0, span_end;
                const char *p = "";
                if (kk > 0)
                    strbuf_append(&line, " | ", 3);
                while (ci < cend && t->cells[ci].col < k)
                    ci++;
                if (ci < cend && t->cells[ci].col == k) {
                    tcell *tc = &t->cells[ci];
                    span_end = tc->col + tc->span;
                    /* a spanning cell is as wide as its columns and their separators */
                    while (kk + 1 < nkept && kept_at[kk + 1] < span_end) {
                        kk++;
                        width += 3 + w[kept_at[kk]];
                    }
                    p = cell_line(tc, &ln);
                    ci++;
                }
                if (ln > 0)
                    used = line.len + ln;
                pad_cell(&line, p, ln, width, kk + 1 >= nkept || kept_at[kk + 1] > lastcol);
            }
            if (line.oom) {
                c->oom = 1;
                break;
            }
            /* nothing after the last cell that has text on this line */
            sink_line(dst, line.s, used);
        }
        if (row->header && r + 1 < t->nrows && !t->rows[r + 1].header) {
            line.len = 0;
            for (size_t k = 0; k < total; k++)
                strbuf_append(&line, "-", 1);
            if (!line.oom)
                sink_line(dst, line.s, line.len);
        }
    }
done:
    strbuf_free(&line);
    free(w);
    free(kept_at);
    free(kept);
    return rc;
}

/* table_emit - the collected table into dst: as a grid, or cell by cell */
static void table_emit(conv *c, table *t, sink *dst)
{
    char *over;
    size_t olen;

    row_end(t);
    sink_break(dst, 1);
    if (t->ncells > 0 && table_grid(c, t, dst) < 0 && !c->oom) {
        for (size_t i = 0; i < t->ncells && !dst->full; i++) {
            if (t->cells[i].len == 0)
                continue;
            put_plain(dst, t->cells[i].text, t->cells[i].len);
            sink_break(dst, 2);
        }
    }
    if (t->over.full)
        c->truncated = 1;
    over = sink_take(&t->over, &olen);
    if (!over) {
        c->oom = 1;
        return;
    }
    sink_break(dst, 1);
    put_plain(dst, over, olen);
    free(over);
}

/* ---- the walk ----------------------------------------------------- */

/* frame_push - a frame for an entered element; NULL when out of memory */
static frame *frame_push(conv *c, enum ekind kind)
{
    frame *f;

    if (c->nfr == c->frcap) {
        size_t nc = c->frcap ? c->frcap * 2 : 64;
        frame *nf = realloc(c->fr, nc * sizeof(*nf));
        if (!nf) {
            c->oom = 1;
            return NULL;
        }
        c->fr = nf;
        c->frcap = nc;
    }
    f = &c->fr[c->nfr++];
    memset(f, 0, sizeof(*f));
    f->kind = kind;
    f->sink = c->cur;
    return f;
}

/* part_mode - how a table part is handled where it is */
static enum tmode part_mode(const conv *c)
{
    return c->in_cell ? T_FLAT : c->tmode;
}

/* put_image - the alt text of an image as "[画像: alt]" */
static void put_image(conv *c, const char *alt)
{
    strbuf b = { 0 };
    const char *label = c->lang == POLICY_LANG_EN ? "[image: " : "[画像: ";
    size_t ll = strlen(label);

    if (!alt)
        return;
    image_label(c->lang, alt, &b);
    if (b.oom)
        c->oom = 1;
    if (b.len > ll) {
        /* the label is the renderer's; the alt text itself is filtered */
        sink_mark(c->cur, label, ll);
        for (size_t i = ll; i + 1 < b.len; ) {
            unsigned cp;
            i += utf8_dec((const unsigned char *)b.s + i, b.len - 1 - i, &cp);
            if (cp == ' ')
                sink_space(c->cur, 0);
            else
                sink_cp(c->cur, cp);
        }
        sink_mark(c->cur, "]", 1);
    }
    strbuf_free(&b);
}

/* enter - start of an element; returns 1 to walk its children (and call leave), 0 to skip it */
static int enter(conv *c, const xmlNode *n, size_t depth)
{
    const char *name = (const char *)n->name;
    enum ekind k = classify(name);
    sink *s = c->cur;
    frame *f;
    char mark[24];

    if (k == E_SKIP)
        return 0;
    if (node_hidden(n)) {
        if (k != E_VOID && strcmp(name, "image") != 0)
            return 0;
        k = E_VOID;	/* hidden itself, but not what libxml2 put inside */
    }
    if (k == E_INPUT) {
        if (!is_image_input(node_attr(n, "type")))
            return 0;
        k = E_IMG;
    }
    if (depth >= LIMITS_HTML_DEPTH && k != E_INLINE && k != E_VOID && k != E_A && k != E_IMG &&
        k != E_BR)
        k = E_DIV;	/* too deep for structure: flat text */
    if (!(f = frame_push(c, k)))
        return 0;
    switch (k) {
    case E_INLINE:
    case E_VOID:
        break;
    case E_BLOCK:
    case E_DL:
        sink_break(s, 2);
        break;
    case E_DIV:
    case E_DT:
    case E_CAPTION:
        sink_break(s, 1);
        break;
    case E_BR:
        sink_br(s);
        break;
    case E_HR:
        sink_break(s, 2);
        sink_line(s, "----------------------------------------", 40);
        sink_break(s, 2);
        break;
    case E_PRE:
        sink_break(s, 2);
        s->pre++;
        break;
    case E_LIST:
        sink_break(s, s->lists ? 1 : 2);
        s->lists++;
        f->ordered = !strcmp(name, "ol");
        f->counter = num_attr(node_attr(n, "start"), 1, -999999999L, 999999999L);
        f->saved_list = c->list;
        c->list = c->nfr;
        break;
    case E_LI:
        sink_break(s, 1);
        if (c->list && c->fr[c->list - 1].ordered) {
            frame *l = &c->fr[c->list - 1];
            l->counter = num_attr(node_attr(n, "value"), l->counter, -999999999L, 999999999L);
            snprintf(mark, sizeof(mark), "%ld. ", l->counter);
            if (l->counter < 999999999L)
                l->counter++;
        } else {
            snprintf(mark, sizeof(mark), "%s", c->lang == POLICY_LANG_EN ? "* " : "・ ");
        }
        f->segs = seg_push(s, S_ITEM, s->lists, mark);
        break;
    case E_DD:
        sink_break(s, 1);
        f->segs = seg_push(s, S_INDENT, 0, NULL);
        break;
    case E_H12:
        sink_break(s, 2);
        f->saved_measuring = s->measuring;
        f->saved_measure = s->measure;
        s->measuring = 1;
        s->measure = 0;
        f->rule = name[1] == '1' ? '=' : '-';
        break;
    case E_H36:
        sink_break(s, 2);
        f->segs = seg_push(s, S_MARK, 0, c->lang == POLICY_LANG_EN ? "## " : "■ ");
        break;
    case E_QUOTE:
        sink_break(s, 2);
        f->segs = seg_push(s, S_QUOTE, 0, NULL);
        break;
    case E_A: {
        const char *href = node_attr(n, "href");
        if (href)
            f->note = note_for(c, href);
        break;
    }
    case E_IMG:
        put_image(c, node_attr(n, "alt"));
        break;
    case E_TABLE:
        f->saved_tmode = c->tmode;
        f->saved_tab = c->tab;
        if (c->in_cell) {
            c->tmode = T_FLAT;
            sink_break(s, 1);
        } else if (is_layout(n)) {
            c->tmode = T_LAYOUT;
            sink_break(s, 2);
        } else {
            table *t = calloc(1, sizeof(*t));
            if (!t) {
                c->oom = 1;
                c->nfr--;
                return 0;
            }
            sink_init(&t->cell, &c->pol, c->limit);
            sink_init(&t->over, &c->pol, c->limit);
            f->own_tab = t;
            c->tab = t;
            c->tmode = T_GRID;
            sink_break(s, 2);
        }
        break;
    case E_ROWS:
        if (part_mode(c) == T_GRID) {
            f->saved_thead = c->tab->thead;
            row_end(c->tab);
            c->tab->thead = !strcmp(name, "thead");
        }
        break;
    case E_TR:
        switch (part_mode(c)) {
        case T_GRID:
            if (c->tab->overflow)
                sink_break(&c->tab->over, 1);
            else if (row_start(c, c->tab) < 0) {
                c->nfr--;
                return 0;
            }
            break;
        case T_LAYOUT: sink_break(s, 2); break;
        default: sink_break(s, 1); break;
        }
        break;
    case E_CELL:
        switch (part_mode(c)) {
        case T_GRID:
            if (!cell_begin(c, f, n)) {
                c->nfr--;
                return 0;
            }
            break;
        case T_LAYOUT: sink_break(s, 2); break;
        case T_FLAT: sink_space(s, 0); break;
        case T_NONE: sink_break(s, 1); break;
        }
        break;
    case E_SKIP:
    case E_INPUT:
        break;
    }
    return 1;
}

/* leave - end of an entered element (its frame is the last one) */
static void leave(conv *c)
{
    frame *f = &c->fr[c->nfr - 1];
    sink *s = f->sink;
    char num[32];

    switch (f->kind) {
    case E_BLOCK:
    case E_DL:
        sink_break(s, 2);
        break;
    case E_DIV:
    case E_DT:
    case E_CAPTION:
        sink_break(s, 1);
        break;
    case E_PRE:
        s->pre--;
        sink_break(s, 2);
        break;
    case E_LIST:
        s->lists--;
        c->list = f->saved_list;
        sink_break(s, s->lists ? 1 : 2);
        break;
    case E_LI:
    case E_DD:
        sink_break(s, 1);
        break;
    case E_H12: {
        size_t w;
        sink_break(s, 1);
        w = s->measure < UNDERLINE_MAX ? s->measure : UNDERLINE_MAX;
        if (w > 0) {
            char rule[UNDERLINE_MAX];
            memset(rule, f->rule, w);
            sink_line(s, rule, w);
        }
        s->measuring = f->saved_measuring;
        s->measure = f->saved_measure;
        sink_break(s, 2);
        break;
    }
    case E_H36:
    case E_QUOTE:
        sink_break(s, 2);
        break;
    case E_A:
        if (f->note > 0) {
            int k = snprintf(num, sizeof(num), "[%d]", f->note);
            sink_mark(c->cur, num, (size_t)k);
        }
        break;
    case E_TABLE:
        if (f->own_tab) {
            table_emit(c, f->own_tab, s);
            table_free(f->own_tab);
            f->own_tab = NULL;
        }
        sink_break(s, c->tmode == T_FLAT ? 1 : 2);
        c->tmode = f->saved_tmode;
        c->tab = f->saved_tab;
        break;
    case E_ROWS:
        if (part_mode(c) == T_GRID) {
            row_end(c->tab);
            c->tab->thead = f->saved_thead;
        }
        break;
    case E_TR:
        switch (part_mode(c)) {
        case T_GRID:
            if (c->tab->overflow)
                sink_break(&c->tab->over, 1);
            else
                row_end(c->tab);
            break;
        case T_LAYOUT: sink_break(s, 2); break;
        default: sink_break(s, 1); break;
        }
        break;
    case E_CELL:
        if (f->cell) {
            cell_end(c, f);
            break;
        }
        switch (part_mode(c)) {
        case T_LAYOUT: sink_break(s, 2); break;
        case T_FLAT: sink_space(s, 0); break;
        default: sink_break(s, 1); break;
        }
        break;
    default:
        break;
    }
    while (f->segs-- > 0 && s->nsegs > 0)
        s->nsegs--;
    c->nfr--;
}

/* put_text - a text node: white space collapsed (kept in pre), invisible characters dropped */
static void put_text(conv *c, const char *t)
{
    sink *s = c->cur;
    const unsigned char *p = (const unsigned char *)t;
    size_t n = strlen(t);
    unsigned cp;

    for (size_t i = 0; i < n && !s->full; ) {
        i += utf8_dec(p + i, n - i, &cp);
        if (s->pre) {
            if (cp == '\n' || cp == 0x2028 || cp == 0x2029) {
                sink_br(s);
                continue;
            }
            if (cp == '\r') {
                if (i >= n || p[i] != '\n')
                    sink_br(s);
                continue;
            }
            if (cp == ' ' || cp == '\t') {
                sink_cp(s, cp);
                continue;
            }
        } else if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
                   cp == 0x2028 || cp == 0x2029) {
            sink_space(s, cp != ' ' && cp != '\t');
            continue;
        }
        if (cp == 0xa0 || cp == 0x2007 || cp == 0x202f) {
            sink_cp(s, ' ');
            continue;
        }
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
            /* shown as in plain text (textsafe_visible), never passed on */
            char pic[16];
            int k = snprintf(pic, sizeof(pic), "<U+%04X>", cp);
            for (int j = 0; j < k; j++)
                sink_cp(s, (unsigned char)pic[j]);
            continue;
        }
        if (invisible(cp))
            continue;
        sink_cp(s, cp);
    }
}

/* stopped - nothing more can be produced */
static int stopped(const conv *c)
{
    return c->oom || c->top.oom || c->top.full;
}

/* walk - render the tree in document order, without recursion */
static void walk(conv *c, xmlNode *root)
{
    xmlNode *n = root->children;
    size_t depth = 0;

    while (n && !stopped(c)) {
        if (n->type == XML_ELEMENT_NODE) {
            if (enter(c, n, depth)) {
                if (n->children) {
                    n = n->children;
                    depth++;
                    continue;
                }
                leave(c);
            }
        } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
            put_text(c, (const char *)n->content);
        }
        while (n && !n->next) {
            n = n->parent;
            if (!n || n == root) {
                n = NULL;
                break;
            }
            depth--;
            leave(c);
        }
        if (n)
            n = n->next;
    }
    /* stopped early: drop what open tables collected */
    while (c->nfr > 0) {
        table_free(c->fr[c->nfr - 1].own_tab);
        c->nfr--;
    }
}

/* conv_free - release everything but the output */
static void conv_free(conv *c)
{
    for (size_t i = 0; i < c->nnotes; i++) {
        free(c->notes[i].href);
        free(c->notes[i].text);
    }
    free(c->notes);
    free(c->buckets);
    free(c->fr);
    strbuf_free(&c->top.text);
    free(c->top.segs);
}

/* htmltext_convert - convert HTML given as valid UTF-8 to plain UTF-8 text */
char *htmltext_convert(const char *html, size_t len, const htmltext_options *o,
                       size_t *outlen, int *truncated)
{
    conv c;
    parse_state ps;
    strbuf guarded = { 0 }, unnul = { 0 };
    xmlDocPtr doc;
    size_t max_out;
    int oom = 0;
    char *res;

    if (outlen)
        *outlen = 0;
    if (truncated)
        *truncated = 0;
    memset(&c, 0, sizeof(c));
    memset(&ps, 0, sizeof(ps));
    if (o && o->urls) {
        c.pol = *o->urls;
    } else {
        c.pol.web = c.pol.mailto = c.pol.tel = POLICY_URL_DEFANG;
        c.pol.language = o ? o->language : POLICY_LANG_JA;
    }
    c.lang = o ? o->language : POLICY_LANG_JA;
    ps.lang = c.lang;
    max_out = o && o->max_out ? o->max_out : LIMITS_TEXT_SIZE_DEFAULT;
    c.limit = max_out - 1;	/* room for the final line break */
    sink_init(&c.top, &c.pol, c.limit);
    c.cur = &c.top;
    if (!html)
        len = 0;
    if (len > INT_MAX) {
        len = INT_MAX;
        c.truncated = 1;
    }

    if (len > 0 && nul_guard(html, len, &unnul) < 0) {
        strbuf_free(&unnul);
        return NULL;
    }
    if (unnul.s) {
        html = unnul.s;
        len = unnul.len < INT_MAX ? unnul.len : INT_MAX;
    }
    if (attr_guard(html, len, &guarded) < 0) {
        strbuf_free(&unnul);
        strbuf_free(&guarded);
        return NULL;
    }
    if (guarded.s) {
        c.truncated = 1;	/* some content was hidden on purpose */
        html = guarded.s;
        len = guarded.len < INT_MAX ? guarded.len : INT_MAX;
    }
    doc = parse(html, len, &ps, &oom);
    strbuf_free(&unnul);
    strbuf_free(&guarded);
    if (oom || ps.oom) {
        xmlFreeDoc(doc);
        sink_free(&c.top);
        return NULL;
    }
    if (ps.stopped)
        c.truncated = 1;
    if (doc) {
        walk(&c, (xmlNode *)doc);
        xmlFreeDoc(doc);
    }
    if (!stopped(&c))
        put_notes(&c);
    if (c.top.open)
        sink_close(&c.top, 1);
    if (c.top.out.len > 0)
        strbuf_append(&c.top.out, "\n", 1);
    if (c.oom || c.top.oom || c.top.out.oom) {
        conv_free(&c);
        strbuf_free(&c.top.out);
        return NULL;
    }
    if (truncated)
        *truncated = c.truncated || c.top.full;
    res = strbuf_steal(&c.top.out, outlen);
    conv_free(&c);
    return res;
}
