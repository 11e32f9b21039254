/*
 * NAME
 *	notice - the text that tells staff what was done to their mail
 * DESCRIPTION
 *	Japanese by default, English by policy. A name that hides its real
 *	extension behind a right-to-left override ("invoice<U+202E>fdp.exe")
 *	must be shown as what it is, so invisible characters are spelled out.
 *	Only a notice given a vault ID says that the original is kept.
 */
#include <stdlib.h>
#include <string.h>
#include "sanitizer/notice.h"
#include "sanitizer/strbuf.h"
#include "sanitizer/limits.h"
#include "sanitizer/utf8.h"

/* notice_visible - a name with invisible characters spelled out */
char *notice_visible(const char *s)
{
    strbuf b = { 0 };
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    while (*p) {
        unsigned cp;
        size_t n = utf8_next(p, &cp);
        if (n == 0) {
            strbuf_printf(&b, "<%02X>", *p);
            p++;
        } else if ((utf8_is_invisible(cp) || utf8_is_bidi(cp))) {
            strbuf_printf(&b, "<U+%04X>", cp);
            p += n;
        } else {
            strbuf_append(&b, p, n);
            p += n;
        }
    }
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b, NULL);
}

/* notice_group - 123456 → "123,456" */
static void notice_group(char *out, size_t size, unsigned long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%llu", v);
    size_t o = 0;

    for (int i = 0; i < n && o + 2 < size; i++) {
        if (i && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = tmp[i];
    }
    out[o] = 0;
}

typedef struct {
    const char *key, *ja, *en;
} notice_label;

static const notice_label notice_reasons[] = {
    { "attachment",	"添付ファイル",			"attachment" },
    { "inline",		"埋め込みファイル",		"inline content" },
    { "signature",	"電子署名",			"signature" },
    { "encrypted",	"暗号化された部分",		"encrypted part" },
    { "alternative",	"本文以外の表示形式",		"alternative rendering" },
    { "uuencode",	"本文中のuuencodeファイル",	"uuencoded file in the text" },
    { "xxencode",	"本文中のxxencodeファイル",	"xxencoded file in the text" },
    { "begin-base64",	"本文中のbase64ファイル（begin-base64）", "base64 file in the text (begin-base64)" },
    { "yenc",		"本文中のyEncファイル",		"yEnc file in the text" },
    { "binhex",		"本文中のBinHexファイル",	"BinHex file in the text" },
    { "base64",		"本文中のbase64で書かれたファイル", "base64-encoded file in the text" },
    { "tnef",		"Outlook形式の添付(winmail.dat)", "Outlook TNEF attachment (winmail.dat)" },
    { "not-text",	"テキストではない本文",		"body part that is not text" },
    { "unparsed",	"解析できない部分",		"content that could not be parsed" },
    { "forwarded",	"転送メールの添付ファイル",	"attachment of a forwarded message" },
    { "unsafe-text",	"安全を確認できない本文",	"body text that could not be confirmed safe" },
    { "text-attachment", "添付テキストファイル（内容は本文の後に表示）",
			"text attachment (its text follows the body)" },
};

/* Notes on why a removed item is dangerous; %s takes the detail. */
static const notice_label notice_notes[] = {
    { "virus",		"ウイルスを検出しました（%s）",	"a virus was found (%s)" },
    { "suspicious",	"安全を確認できませんでした（%s）", "it could not be confirmed safe (%s)" },
    { "encrypted-archive", "暗号化された圧縮ファイルのため中身を検査できません。",
			"encrypted archive: its content cannot be inspected." },
    { "archive-limit",	"制限を超えたため検査を中止しました（%s）",
			"the archive exceeds a limit; inspection stopped (%s)" },
    { "archive-corrupt", "壊れているため検査できません（%s）",
			"the archive is damaged and cannot be inspected (%s)" },
    { "spoofed",	"偽装を検出しました（%s）",	"disguised name or type (%s)" },
};

/* notice_note - one "Note:" line for a removed item, if it has a note;
 *	an encrypted archive cannot be inspected here, so the recipient is
 *	told the original is kept, but only when it is (a vault ID) */
static void notice_note(strbuf *b, const report_part *p, policy_lang lang,
                        const char *vault_id)
{
    int en = lang == POLICY_LANG_EN;
    for (size_t i = 0; p->note && i < sizeof(notice_notes) / sizeof(*notice_notes); i++) {
        if (strcmp(p->note, notice_notes[i].key) != 0)
            continue;
        char *detail = notice_visible(p->note_detail ? p->note_detail : "-");
        if (!detail) {
            b->oom = 1;
            return;
        }
        strbuf_puts(b, en ? "   Note: " : "   注意: ");
        /* The table's texts are constant formats with at most one %s. */
        const char *fmt = en ? notice_notes[i].en : notice_notes[i].ja;
        const char *pct = strstr(fmt, "%s");
        if (pct) {
            strbuf_append(b, fmt, (size_t)(pct - fmt));
            strbuf_puts(b, detail);
            strbuf_puts(b, pct + 2);
        } else {
            strbuf_puts(b, fmt);
        }
        if (vault_id && strcmp(p->note, "encrypted-archive") == 0)
            strbuf_puts(b, en ? "\n         The original is kept (see the vault ID below)."
                              : "\n         原本は保管しています（下記の保管番号）。");
        strbuf_puts(b, "\n");
        free(detail);
        return;
    }
}

/* notice_members - the members of an archive part, indented by depth */
static void notice_members(strbuf *b, const report *r, size_t part, policy_lang lang)
{
    int en = lang == POLICY_LANG_EN;
    unsigned n = 0, total = 0;

    for (size_t i = 0; i < r->nmembers; i++)
        if (r->members[i].part == part)
            total++;
    if (!total)
        return;
    strbuf_printf(b, en ? "   Contents (%u):\n" : "   内容（%u 件）:\n", total);
    for (size_t i = 0; i < r->nmembers; i++) {
        const report_member *m = &r->members[i];
        if (m->part != part)
            continue;
        if (++n > LIMITS_ARCHIVE_LISTED) {
            strbuf_printf(b, en ? "     ... and %u more (see the report)\n"
                                : "     …ほか %u 件（レポート参照）\n",
                          total - LIMITS_ARCHIVE_LISTED);
            break;
        }
        char *name = notice_visible(m->name);
        char size[40];
        if (!name) {
            b->oom = 1;
            return;
        }
        notice_group(size, sizeof(size), m->size);
        for (unsigned d = 0; d < m->depth && d < 8; d++)
            strbuf_puts(b, "  ");
        if (m->encrypted)
            strbuf_printf(b, en ? "   - %s (encrypted)\n" : "   - %s（暗号化）\n", name);
        else
            strbuf_printf(b, en ? "   - %s (%s bytes, %s)\n" : "   - %s（%s バイト, %s）\n",
                          name, size, m->detected_type ? m->detected_type : "-");
        free(name);
    }
}

/* notice_reason - the displayed reason for a report reason key */
static const char *notice_reason(const char *key, policy_lang lang)
{
    for (size_t i = 0; i < sizeof(notice_reasons) / sizeof(*notice_reasons); i++)
        if (key && strcmp(key, notice_reasons[i].key) == 0)
            return lang == POLICY_LANG_EN ? notice_reasons[i].en : notice_reasons[i].ja;
    return key ? key : "";
}

/* notice_alternatives - the renderings of the body that were not shown */
static void notice_alternatives(strbuf *b, const report *r, policy_lang lang)
{
    int en = lang == POLICY_LANG_EN;
    unsigned total = 0, n = 0;

    for (size_t i = 0; i < r->nparts; i++)
        total += r->parts[i].action == REPORT_ALTERNATIVE;
    if (!total)
        return;
    strbuf_printf(b, en ? "\nNot shown: %u other rendering%s of the body:\n"
                        : "\n表示しなかった別形式の本文（%u 件）:\n",
                  total, total == 1 ? "" : "s");
    for (size_t i = 0; i < r->nparts; i++) {
        const report_part *p = &r->parts[i];
        char size[40];
        if (p->action != REPORT_ALTERNATIVE)
            continue;
        if (++n > LIMITS_NOTICE_ITEMS) {
            strbuf_printf(b, en ? "  ... and %u more (see the report)\n"
                                : "  …ほか %u 件（レポート参照）\n",
                          total - LIMITS_NOTICE_ITEMS);
            break;
        }
        notice_group(size, sizeof(size), p->size);
        if (en)
            strbuf_printf(b, " - %s (%s bytes): %s\n",
                          p->declared_type ? p->declared_type : "-", size,
                          p->alt_lost ? "holds text the body shown lacks (original kept)"
                          : p->size ? "same text as the body shown" : "empty");
        else
            strbuf_printf(b, " - %s（%s バイト）: %s\n",
                          p->declared_type ? p->declared_type : "-", size,
                          p->alt_lost ? "表示した本文にない内容を含みます（原本を保管）"
                          : p->size ? "表示した本文と同じ内容です" : "空です");
    }
}

#define NOTICE_RULE "------------------------------------------------------------\n"

/* notice_build - the notice text */
char *notice_build(const report *r, policy_lang lang, const notice_info *info,
                   size_t *len)
{
    strbuf b = { 0 };
    int en = lang == POLICY_LANG_EN;
    unsigned removed = 0;

    for (size_t i = 0; i < r->nparts; i++)
        if (r->parts[i].action == REPORT_REMOVED)
            removed++;
    char *from_visible = info->from_note ? notice_visible(info->from_note) : NULL;
    if (info->from_note && !from_visible)
        return NULL;

    strbuf_puts(&b, NOTICE_RULE);
    if (en) {
        strbuf_puts(&b, "[Sanitized] This mail came from the internet and was converted\n"
                        "to plain text before delivery.\n");
        if (info->html_converted)
            strbuf_puts(&b, "The HTML body was converted to text; any links are listed at the end.\n");
        if (info->truncated)
            strbuf_printf(&b, "The text was longer than %llu bytes and was cut there.%s\n",
                          info->text_limit, info->vault_id ? "\nThe original is kept"
                          " (see the vault ID below)." : "");
        if (info->from_note)
            strbuf_printf(&b, "The From field was missing, repeated or not valid; the envelope\n"
                              "sender is shown instead. Original From: %s\n",
                          *from_visible ? from_visible : "(none)");
        if (removed)
            strbuf_printf(&b, "%u item%s removed:\n", removed,
                          removed == 1 ? " was" : "s were");
        else
            strbuf_puts(&b, "Nothing was removed.\n");
    } else {
        strbuf_puts(&b, "【無害化通知】このメールはインターネットから受信したため、\n"
                        "本文をテキストに変換して配信しています。\n");
        if (info->html_converted)
            strbuf_puts(&b, "HTML形式の本文はテキストに変換しました（リンク先は末尾に列挙）。\n");
        if (info->truncated)
            strbuf_printf(&b, "本文が %llu バイトを超えたため、以降を省略しました。%s\n",
                          info->text_limit, info->vault_id ? "\n原本は保管しています"
                          "（下記の保管番号）。" : "");
        if (info->from_note)
            strbuf_printf(&b, "差出人（From）欄が無いか、複数あるか、正しくないため、\n"
                              "エンベロープ送信者を表示しています。元の差出人欄: %s\n",
                          *from_visible ? from_visible : "（なし）");
        if (removed)
            strbuf_printf(&b, "次の %u 件を削除しました。\n", removed);
        else
            strbuf_puts(&b, "削除したファイルはありません。\n");
    }

    unsigned n = 0;
    for (size_t i = 0; i < r->nparts; i++) {
        const report_part *p = &r->parts[i];
        if (p->action != REPORT_REMOVED)
            continue;
        if (++n > LIMITS_NOTICE_ITEMS) {
            strbuf_printf(&b, en ? "  ... and %u more (see the report)\n"
                                 : "  …ほか %u 件（レポート参照）\n",
                          removed - LIMITS_NOTICE_ITEMS);
            break;
        }
        char *name = notice_visible(p->filename ? p->filename : "");
        char size[40];
        notice_group(size, sizeof(size), p->size);
        if (!name) {
            b.oom = 1;
            break;
        }
        strbuf_printf(&b, "\n %u. %s\n", n, *name ? name : (en ? "(no name)" : "（名前なし）"));
        if (en)
            strbuf_printf(&b, "   Reason: %s\n   Declared type: %s\n   Detected type: %s\n"
                              "   Size: %s bytes\n   SHA-256: %s\n",
                          notice_reason(p->reason, lang),
                          p->declared_type ? p->declared_type : "-",
                          p->detected_type ? p->detected_type : "-", size, p->sha256);
        else
            strbuf_printf(&b, "   理由: %s\n   申告形式: %s\n   判定形式: %s\n"
                              "   サイズ: %s バイト\n   SHA-256: %s\n",
                          notice_reason(p->reason, lang),
                          p->declared_type ? p->declared_type : "-",
                          p->detected_type ? p->detected_type : "-", size, p->sha256);
        free(name);
        notice_note(&b, p, lang, info->vault_id);
        notice_members(&b, r, i, lang);
    }
    notice_alternatives(&b, r, lang);
    if ((removed || info->truncated || info->alt_lost) && info->vault_id)
        strbuf_printf(&b, en ? "\nVault ID: %s\n"
                               "The original mail is kept on the internet side. If you need\n"
                               "a removed file, ask your system administrator, quoting this\n"
                               "vault ID.\n"
                             : "\n保管番号: %s\n"
                               "原本のメールはインターネット側で保管しています。削除された\n"
                               "ファイルが必要な場合は、この保管番号を添えてシステム管理者に\n"
                               "お問い合わせください。\n", info->vault_id);
    else if (removed)
        strbuf_puts(&b, en ? "\nIf you need a removed file, ask your system administrator,\n"
                             "quoting its SHA-256.\n"
                           : "\n削除されたファイルが必要な場合は、SHA-256 の値を添えて\n"
                             "システム管理者にお問い合わせください。\n");
    strbuf_puts(&b, NOTICE_RULE "\n");
    free(from_visible);
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b, len);
}
