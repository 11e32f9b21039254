/*
 * NAME
 *	config_table - the one table of every config key
 * DESCRIPTION
 *	config_table[] lists each key of mugai.conf once: section, name,
 *	type, field of struct policy, range and default (from
 *	sanitizer/limits.h) and a one-line description. Everything else
 *	about a key is derived from its entry here: parsing and range
 *	checks (config_table_set), the embedded defaults
 *	(config_table_defaults, used by policy_defaults), the commented
 *	sample file (config_table_write/config_table_dump) and the
 *	table's own consistency check (config_table_verify).
 * DIAGNOSTICS
 *	Reasons are returned as text without file or line; config.c adds
 *	them. Untrusted input quoted in a reason is escaped and shortened.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/config_table.h"
#include "policy/policy.h"
#include "policy/rules.h"
#include "sanitizer/limits.h"
#include "vault/vault.h"

#define KIB	1024ull
#define MIB	(1024ull * 1024)
#define GIB	(1024ull * 1024 * 1024)

/* Value names, indexed by the enum values of policy.h. */
static const char *const mode_names[] = { "text", "cdr", NULL };
static const char *const lang_names[] = { "ja", "en", NULL };
static const char *const url_names[] = { "defang", "keep", "remove", NULL };
static const char *const charset_names[] = { "utf-8", "iso-2022-jp", NULL };
static const char *const limit_names[] = { "reject", "tempfail", NULL };
static const char *const virus_names[] = { "reject", "quarantine", NULL };
static const char *const scanner_names[] = { "libclamav", "clamd", NULL };
static const char *const nodb_names[] = { "tempfail", "reject", NULL };
static const char *const archlimit_names[] = { "remove", "quarantine", NULL };
static const char *const action_names[] = { "keep", "remove", "quarantine", NULL };

_Static_assert(POLICY_MODE_TEXT == 0 && POLICY_MODE_CDR == 1, "mode_names");
_Static_assert(POLICY_LANG_JA == 0 && POLICY_LANG_EN == 1, "lang_names");
_Static_assert(POLICY_URL_DEFANG == 0 && POLICY_URL_KEEP == 1
	       && POLICY_URL_REMOVE == 2, "url_names");
_Static_assert(POLICY_CHARSET_UTF8 == 0 && POLICY_CHARSET_ISO2022JP == 1,
	       "charset_names");
_Static_assert(POLICY_LIMIT_REJECT == 0 && POLICY_LIMIT_TEMPFAIL == 1,
	       "limit_names");

/* check_mode - refuse cdr until the rebuilders exist */
static const char *check_mode(unsigned long long value)
{
    if (value == POLICY_MODE_CDR)
	return "cdr mode is not available in this version";
    return NULL;
}

/* check_socket - a libmilter socket specification */
static const char *check_socket(const char *s)
{
    static const char *const kinds[] = { "unix:", "local:", "inet:", "inet6:" };
    size_t i, n;

    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
	n = strlen(kinds[i]);
	if (strncmp(s, kinds[i], n) == 0 && s[n] != '\0')
	    return NULL;
    }
    return "expected unix:PATH, local:PATH, inet:PORT@HOST or inet6:PORT@HOST";
}

/* check_clamd - unix:PATH, inet:PORT@HOST or inet6:PORT@HOST */
static const char *check_clamd(const char *s)
{
    if ((strncmp(s, "unix:/", 6) == 0 && s[6]) ||
        ((strncmp(s, "inet:", 5) == 0 || strncmp(s, "inet6:", 6) == 0) && strchr(s, '@')))
	return NULL;
    return "expected unix:/PATH, inet:PORT@HOST or inet6:PORT@HOST";
}

/* check_not_keep - spoofed content may be removed or quarantined, never kept */
static const char *check_not_keep(unsigned long long value)
{
    return value == 0 ? "spoofed content cannot be kept: remove or quarantine" : NULL;
}

/* check_name - a user or group name: not empty, no blanks */
static const char *check_name(const char *s)
{
    if (*s == '\0')
	return "empty name";
    if (strpbrk(s, " \t:") != NULL)
	return "blank or ':' in name";
    return NULL;
}

/* check_log - syslog, stderr or a file */
static const char *check_log(const char *s)
{
    if (*s == '\0')
	return "expected syslog, stderr or a file path";
    return NULL;
}

const config_section config_table_sections[] = {
    { "general", "General settings", "全般の設定" },
    { "text", "Text mode output", "メールテキスト化の設定" },
    { "limits", "Limits on each message", "制限値の設定" },
    { "milter", "The mugai-milter daemon", "milter デーモンの設定" },
    { "rules", "Mode per recipient, and explicit exceptions",
      "宛先ごとのモードと例外" },
    { "scan", "Virus scanning (ClamAV)", "ウイルス検査の設定" },
    { "archives", "Looking into archives", "圧縮ファイルの検査" },
    { "types", "What each true file type gets", "ファイル形式ごとの処理" },
    { "vault", "Originals kept on the internet side, and the CSIRT's command",
      "原本保管庫と CSIRT 用コマンド" },
};
const size_t config_table_section_count =
    sizeof config_table_sections / sizeof config_table_sections[0];

#define FIELD(f)	offsetof(policy, f), sizeof(((policy *)0)->f)
#define CHOICE(sec, key, names, f, def, check, help) \
    { sec, key, CONFIG_TYPE_CHOICE, names, FIELD(f), \
      0, sizeof names / sizeof names[0] - 2, def, NULL, help, check, NULL, \
      CONFIG_PATH_NONE }
#define NUMBER(sec, key, type, f, lo, hi, def, help) \
    { sec, key, type, NULL, FIELD(f), lo, hi, def, NULL, help, NULL, NULL, \
      CONFIG_PATH_NONE }
/* a PATH is a file name as a whole; a STRING that names a file in some
 * other form says so with CHECKED_PATH */
#define TEXT(sec, key, type, f, def, help) \
    { sec, key, type, NULL, FIELD(f), 0, 0, 0, def, help, NULL, NULL, \
      (type) == CONFIG_TYPE_PATH ? CONFIG_PATH_FILE : CONFIG_PATH_NONE }
#define CHECKED(sec, key, f, def, check, help) \
    CHECKED_PATH(sec, key, f, def, check, CONFIG_PATH_NONE, help)
#define CHECKED_PATH(sec, key, f, def, check, form, help) \
    { sec, key, CONFIG_TYPE_STRING, NULL, FIELD(f), 0, 0, 0, def, help, \
      NULL, check, form }
#define RULE(sec, key, kind, example, help) \
    { sec, key, CONFIG_TYPE_RULE, NULL, FIELD(rules), 0, 0, kind, example, \
      help, NULL, NULL, CONFIG_PATH_LIST }

const config_entry config_table[] = {
    CHOICE("general", "mode", mode_names, mode, POLICY_MODE_TEXT, check_mode,
	   "How mail crosses into LGWAN: text = the body as plain text only; "
	   "cdr = rebuilt attachments (not available yet)"),
    CHOICE("general", "language", lang_names, language, POLICY_LANG_JA, NULL,
	   "Language of the notice added to sanitized mail"),
    TEXT("general", "spool_dir", CONFIG_TYPE_PATH, spool_dir,
	 "/var/spool/mugai",
	 "Directory for the private per-message temporary files"),

    TEXT("text", "subject_tag", CONFIG_TYPE_STRING, subject_tag,
	 "[無害化]",
	 "Tag put before the Subject of sanitized mail; empty adds none"),
    CHOICE("text", "urls", url_names, urls, POLICY_URL_DEFANG, NULL,
	   "Web links (http, https, ftp, www.) in the text"),
    CHOICE("text", "mailto_links", url_names, mailto_links,
	   POLICY_URL_DEFANG, NULL, "mailto: links in the text"),
    CHOICE("text", "tel_links", url_names, tel_links,
	   POLICY_URL_DEFANG, NULL, "tel: links in the text"),
    CHOICE("text", "output_charset", charset_names, output_charset,
	   POLICY_CHARSET_UTF8, NULL, "Charset of the text body sent on"),
    NUMBER("text", "wrap_width", CONFIG_TYPE_COUNT, wrap_width,
	   LIMITS_WRAP_WIDTH_MIN, LIMITS_WRAP_WIDTH_MAX,
	   LIMITS_WRAP_WIDTH_DEFAULT,
	   "Wrap the text at this many display columns; 0 keeps lines "
	   "as they are"),

    NUMBER("limits", "max_message_size", CONFIG_TYPE_SIZE, max_message_size,
	   LIMITS_MESSAGE_SIZE_MIN, LIMITS_MESSAGE_SIZE_MAX,
	   LIMITS_MESSAGE_SIZE_DEFAULT,
	   "Largest message accepted, as received"),
    NUMBER("limits", "max_parts", CONFIG_TYPE_COUNT, max_parts,
	   LIMITS_PARTS_MIN, LIMITS_PARTS_MAX, LIMITS_PARTS_DEFAULT,
	   "Most MIME parts (leaves and containers) in one message"),
    NUMBER("limits", "max_mime_depth", CONFIG_TYPE_COUNT, max_mime_depth,
	   LIMITS_MIME_DEPTH_MIN, LIMITS_MIME_DEPTH_MAX,
	   LIMITS_MIME_DEPTH_DEFAULT,
	   "Deepest MIME nesting"),
    NUMBER("limits", "max_header_size", CONFIG_TYPE_SIZE, max_header_size,
	   LIMITS_HEADER_SIZE_MIN, LIMITS_HEADER_SIZE_MAX,
	   LIMITS_HEADER_SIZE_DEFAULT,
	   "Largest header block"),
    NUMBER("limits", "max_header_count", CONFIG_TYPE_COUNT, max_header_count,
	   LIMITS_HEADER_COUNT_MIN, LIMITS_HEADER_COUNT_MAX,
	   LIMITS_HEADER_COUNT_DEFAULT,
	   "Most header fields in one header block"),
    NUMBER("limits", "max_text_size", CONFIG_TYPE_SIZE, max_text_size,
	   LIMITS_TEXT_SIZE_MIN, LIMITS_TEXT_SIZE_MAX,
	   LIMITS_TEXT_SIZE_DEFAULT,
	   "Most decoded text carried into the output, all text parts "
	   "together; the rest is cut with a notice"),
    NUMBER("limits", "max_output_size", CONFIG_TYPE_SIZE, max_output_size,
	   LIMITS_OUTPUT_SIZE_MIN, LIMITS_OUTPUT_SIZE_MAX,
	   LIMITS_OUTPUT_SIZE_DEFAULT,
	   "Largest sanitized message handed on; the text is cut to fit. "
	   "Keep it below Postfix's message_size_limit"),
    NUMBER("limits", "max_message_time", CONFIG_TYPE_DURATION,
	   max_message_time_ms,
	   LIMITS_MESSAGE_TIME_MIN, LIMITS_MESSAGE_TIME_MAX,
	   LIMITS_MESSAGE_TIME_DEFAULT,
	   "Longest time spent on one message; keep it below Postfix's "
	   "milter_content_timeout"),
    CHOICE("limits", "on_limit", limit_names, on_limit,
	   POLICY_LIMIT_REJECT, NULL,
	   "Answer to a message over a size, count or depth limit: "
	   "reject (5xx) or tempfail (4xx)"),

    CHECKED_PATH("milter", "socket", milter_socket,
	    "unix:/run/mugai/mugai-milter.sock", check_socket, CONFIG_PATH_SOCKET,
	    "Where mugai-milter listens for Postfix: unix:PATH (preferred: "
	    "loopback TCP adds about 40 ms per message) or inet:PORT@HOST"),
    CHECKED("milter", "socket_group", milter_socket_group, "postfix",
	    check_name,
	    "Group of a unix socket, which gets mode 0660: the group Postfix's "
	    "smtpd runs as"),
    CHECKED("milter", "user", milter_user, "mugai", check_name,
	    "Unprivileged user mugai-milter runs as after opening its socket"),
    CHECKED("milter", "group", milter_group, "mugai", check_name,
	    "Group mugai-milter runs as"),
    TEXT("milter", "pid_file", CONFIG_TYPE_PATH, milter_pid_file,
	 "/run/mugai/mugai-milter.pid",
	 "File that holds the process ID while mugai-milter runs"),
    CHECKED_PATH("milter", "log", milter_log, "syslog", check_log, CONFIG_PATH_LOG,
	    "Where the one line per message goes: syslog (facility mail), "
	    "stderr, or the path of a file"),
    NUMBER("milter", "memory_spool_size", CONFIG_TYPE_SIZE, milter_memory_spool,
	   LIMITS_MILTER_MEMSPOOL_MIN, LIMITS_MILTER_MEMSPOOL_MAX,
	   LIMITS_MILTER_MEMSPOOL_DEFAULT,
	   "A message is held in memory while it arrives until it grows past "
	   "this size, then moved to spool_dir; 0 puts every message in "
	   "spool_dir. Memory use is at most this much per message in progress"),

    RULE("rules", "recipient", RULES_RECIPIENT,
	 "text @lgwan.example.lg.jp list:/etc/mugai/strict-recipients",
	 "Mode for recipients that match: user@domain, @domain, "
	 "@.domain (its subdomains) or list:FILE; repeatable, the first "
	 "matching rule counts, recipients without a rule get [general] "
	 "mode, and the strictest mode of all recipients applies"),
    RULE("rules", "sender", RULES_SENDER,
	 "text @partner.example.jp",
	 "Exception by envelope sender (same patterns): replaces the "
	 "recipients' mode and is logged; senders can be forged"),
    RULE("rules", "client", RULES_CLIENT,
	 "text 192.0.2.0/24 2001:db8::/32",
	 "Exception by client IP address or CIDR block, or list:FILE; "
	 "checked before sender rules, replaces the recipients' mode and "
	 "is logged"),

    CHOICE("scan", "scanner", scanner_names, scan_scanner, 0, NULL,
	   "libclamav: signatures loaded into mugai itself (database_dir); "
	   "clamd: a shared clamd reached at clamd_socket (INSTREAM)"),
    CHECKED_PATH("scan", "clamd_socket", scan_clamd_socket,
	    "unix:/run/clamav/clamd.ctl", check_clamd, CONFIG_PATH_SOCKET,
	    "Where clamd listens, for scanner = clamd: unix:PATH or "
	    "inet:PORT@HOST"),
    TEXT("scan", "database_dir", CONFIG_TYPE_PATH, scan_database_dir,
	 LIMITS_SCAN_DB_DIR_DEFAULT,
	 "ClamAV signatures: the freshclam directory, or one signature file"),
    CHECKED_PATH("scan", "temp_dir", scan_temp_dir, "", NULL, CONFIG_PATH_FILE,
	 "Directory for the temporary files of scanning: libclamav's (a "
	 "directory for each scan, decoded mail parts) and decoded parts "
	 "and archive members too large for memory; empty: spool_dir. A "
	 "size-limited tmpfs here saves the file system work of every scan; "
	 "when it is full, scans fail and mail is tempfailed"),
    NUMBER("scan", "max_database_age", CONFIG_TYPE_DURATION,
	   scan_max_database_age_ms, 0, LIMITS_SCAN_DB_AGE_MAX * 1000ull,
	   LIMITS_SCAN_DB_AGE_DEFAULT * 1000ull,
	   "Signatures older than this count as missing; 0 checks no age "
	   "(only for the project's test signatures)"),
    CHOICE("scan", "on_virus", virus_names, scan_on_virus, 0, NULL,
	   "A virus: reject at SMTP (550 5.7.1) or accept and withhold; the "
	   "original goes to the vault either way"),
    CHOICE("scan", "on_no_database", nodb_names, scan_on_no_database, 0, NULL,
	   "No usable signatures (missing or too old): tempfail (451) or "
	   "reject (554)"),
    NUMBER("scan", "max_scan_size", CONFIG_TYPE_SIZE, scan_max_scan_size,
	   LIMITS_SCAN_MAX_SCANSIZE_MIN, LIMITS_SCAN_MAX_SCANSIZE_MAX,
	   LIMITS_SCAN_MAX_SCANSIZE_DEFAULT,
	   "Most bytes ClamAV scans in one file, all layers; beyond it the "
	   "file is suspicious, never clean"),
    NUMBER("scan", "max_file_size", CONFIG_TYPE_SIZE, scan_max_file_size,
	   LIMITS_SCAN_MAX_FILESIZE_MIN, LIMITS_SCAN_MAX_FILESIZE_MAX,
	   LIMITS_SCAN_MAX_FILESIZE_DEFAULT,
	   "Largest single file ClamAV looks into"),
    NUMBER("scan", "max_recursion", CONFIG_TYPE_COUNT, scan_max_recursion,
	   LIMITS_SCAN_MAX_RECURSION_MIN, LIMITS_SCAN_MAX_RECURSION_MAX,
	   LIMITS_SCAN_MAX_RECURSION_DEFAULT,
	   "Deepest nesting of containers ClamAV opens"),
    NUMBER("scan", "max_files", CONFIG_TYPE_COUNT, scan_max_files,
	   LIMITS_SCAN_MAX_FILES_MIN, LIMITS_SCAN_MAX_FILES_MAX,
	   LIMITS_SCAN_MAX_FILES_DEFAULT,
	   "Most files ClamAV extracts in one scan"),
    NUMBER("scan", "max_scan_time", CONFIG_TYPE_DURATION, scan_max_scan_time_ms,
	   LIMITS_SCAN_MAX_TIME_MIN, LIMITS_SCAN_MAX_TIME_MAX,
	   LIMITS_SCAN_MAX_TIME_DEFAULT,
	   "Longest ClamAV spends on one file; keep it below max_message_time"),
    NUMBER("scan", "database_check_interval", CONFIG_TYPE_DURATION,
	   scan_check_interval_ms, LIMITS_SCAN_CHECK_MIN, LIMITS_SCAN_CHECK_MAX,
	   LIMITS_SCAN_CHECK_DEFAULT,
	   "How often mugai-milter looks for new signatures and swaps them in"),

    NUMBER("archives", "max_depth", CONFIG_TYPE_COUNT, archive_max_depth,
	   LIMITS_ARCHIVE_DEPTH_MIN, LIMITS_ARCHIVE_DEPTH_MAX,
	   LIMITS_ARCHIVE_DEPTH_DEFAULT,
	   "Deepest archive inside an archive that is opened"),
    NUMBER("archives", "max_members", CONFIG_TYPE_COUNT, archive_max_members,
	   LIMITS_ARCHIVE_MEMBERS_MIN, LIMITS_ARCHIVE_MEMBERS_MAX,
	   LIMITS_ARCHIVE_MEMBERS_DEFAULT,
	   "Most members of one attachment, all levels together"),
    NUMBER("archives", "max_total_size", CONFIG_TYPE_SIZE, archive_max_total_size,
	   LIMITS_ARCHIVE_TOTAL_MIN, LIMITS_ARCHIVE_TOTAL_MAX,
	   LIMITS_ARCHIVE_TOTAL_DEFAULT,
	   "Most bytes decompressed from one attachment (counted as read)"),
    NUMBER("archives", "max_member_size", CONFIG_TYPE_SIZE, archive_max_member_size,
	   LIMITS_ARCHIVE_MEMBER_MIN, LIMITS_ARCHIVE_MEMBER_MAX,
	   LIMITS_ARCHIVE_MEMBER_DEFAULT,
	   "Most bytes decompressed from one member"),
    NUMBER("archives", "max_ratio", CONFIG_TYPE_COUNT, archive_max_ratio,
	   LIMITS_ARCHIVE_RATIO_MIN, LIMITS_ARCHIVE_RATIO_MAX,
	   LIMITS_ARCHIVE_RATIO_DEFAULT,
	   "Highest decompressed-to-compressed ratio of a member"),
    CHOICE("archives", "on_limit", archlimit_names, archive_on_limit, 0, NULL,
	   "An archive over a limit, corrupt or unreadable: remove it with a "
	   "notice, or quarantine the whole mail"),
    CHOICE("types", "text", action_names, type_action[0], 0, NULL,
	   "Plain text files: keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "html", action_names, type_action[1], 0, NULL,
	   "HTML files: keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "image", action_names, type_action[2], 0, NULL,
	   "Images: keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "pdf", action_names, type_action[3], 0, NULL,
	   "PDF documents: keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "office", action_names, type_action[4], 0, NULL,
	   "Office documents (Word, Excel, PowerPoint, OpenDocument): keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "media", action_names, type_action[5], 0, NULL,
	   "Audio and video: keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "message", action_names, type_action[6], 0, NULL,
	   "Attached mail messages: keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "archive", action_names, type_action[7], 0, NULL,
	   "Archives (zip, gzip, tar, 7z, rar, lzh): keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "executable", action_names, type_action[8], 1, NULL,
	   "Programs and libraries (PE, ELF, Mach-O): keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "script", action_names, type_action[9], 1, NULL,
	   "Scripts (.js, .vbs, .ps1, .hta, .wsf, .bat, .cmd): keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "shortcut", action_names, type_action[10], 1, NULL,
	   "Shortcuts (.lnk, .url): keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "disk_image", action_names, type_action[11], 1, NULL,
	   "Disk images (.iso, .img, .vhd): keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "onenote", action_names, type_action[12], 1, NULL,
	   "OneNote files: keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "chm", action_names, type_action[13], 1, NULL,
	   "Compiled HTML help (.chm): keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "installer", action_names, type_action[14], 1, NULL,
	   "Installers (.msi): keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "java", action_names, type_action[15], 1, NULL,
	   "Java archives and classes: keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "encrypted", action_names, type_action[16], 1, NULL,
	   "Encrypted archives and documents, which cannot be inspected: keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "other", action_names, type_action[17], 0, NULL,
	   "Anything else: keep (cdr mode, after rebuild; text mode removes every "
	   "attachment), remove, or quarantine the mail"),
    CHOICE("types", "spoofed", action_names, type_spoofed, 1, check_not_keep,
	   "A name or declared type that lies about the content (PE named "
	   ".pdf, double extension, RLO or invisible characters, paths)"),

    TEXT("vault", "dir", CONFIG_TYPE_PATH, vault_dir, VAULT_DIR_DEFAULT,
	 "Where originals and their reports are kept (mode 2750)"),
    CHECKED("vault", "group", vault_group, VAULT_GROUP_DEFAULT, check_name,
	    "Unix group of the vault and of the people allowed to use "
	    "mugai quarantine"),
    TEXT("vault", "owner", CONFIG_TYPE_STRING, vault_owner, VAULT_OWNER_DEFAULT,
	 "Owner of the vault, normally mugai-milter's user; empty: the user "
	 "that runs the command"),
    TEXT("vault", "requester_group", CONFIG_TYPE_STRING, vault_requester_group,
	 VAULT_REQUESTER_GROUP_DEFAULT,
	 "Unix group of the people who may ask for a release "
	 "(mugai quarantine request); empty: the vault's group"),
    CHECKED("vault", "approver_group", vault_approver_group,
	    VAULT_APPROVER_GROUP_DEFAULT, check_name,
	    "Unix group of the people who may approve or deny a release; "
	    "nobody approves a release they asked for"),
    TEXT("vault", "audit_log", CONFIG_TYPE_PATH, vault_audit_log,
	 VAULT_AUDIT_LOG_DEFAULT,
	 "Append-only, hash-chained log of every CSIRT action"),
    NUMBER("vault", "retention_days", CONFIG_TYPE_COUNT, vault_retention_days,
	   VAULT_RETENTION_DAYS_MIN, VAULT_RETENTION_DAYS_MAX,
	   VAULT_RETENTION_DAYS_DEFAULT,
	   "Days an original is kept before mugai quarantine purge may dispose of it"),
    TEXT("vault", "release_host", CONFIG_TYPE_STRING, vault_release_host,
	 VAULT_RELEASE_HOST_DEFAULT,
	 "SMTP server a released original is sent to; it must not pass "
	 "mugai-milter again"),
    NUMBER("vault", "release_port", CONFIG_TYPE_COUNT, vault_release_port,
	   VAULT_RELEASE_PORT_MIN, VAULT_RELEASE_PORT_MAX,
	   VAULT_RELEASE_PORT_DEFAULT, "Its port"),
    NUMBER("vault", "release_timeout", CONFIG_TYPE_DURATION,
	   vault_release_timeout_ms, VAULT_RELEASE_TIMEOUT_MIN,
	   VAULT_RELEASE_TIMEOUT_MAX, VAULT_RELEASE_TIMEOUT_DEFAULT,
	   "Time allowed for the connection and each SMTP step of a release"),
    TEXT("vault", "release_tls_cert", CONFIG_TYPE_PATH, vault_release_tls_cert,
	 VAULT_RELEASE_TLS_CERT_DEFAULT,
	 "Client certificate (PEM) a release presents after STARTTLS; the "
	 "release server accepts only its own senders' certificates"),
    TEXT("vault", "release_tls_key", CONFIG_TYPE_PATH, vault_release_tls_key,
	 VAULT_RELEASE_TLS_KEY_DEFAULT,
	 "Its private key (PEM, unencrypted), readable by the vault's owner "
	 "and root only (mode 0600 or 0400)"),
    TEXT("vault", "release_tls_ca", CONFIG_TYPE_PATH, vault_release_tls_ca,
	 VAULT_RELEASE_TLS_CA_DEFAULT,
	 "CA certificate(s) (PEM) the release server's certificate must chain "
	 "to, for release_host's name; without TLS nothing is released"),
    NUMBER("vault", "busy_timeout", CONFIG_TYPE_DURATION, vault_busy_timeout_ms,
	   VAULT_BUSY_TIMEOUT_MIN, VAULT_BUSY_TIMEOUT_MAX,
	   VAULT_BUSY_TIMEOUT_DEFAULT,
	   "How long to wait for a locked vault index before giving up"),
};
const size_t config_table_count = sizeof config_table / sizeof config_table[0];

/* utf8_char - length of the valid UTF-8 sequence at u with its code
 *	point in *cp, or 0 if the bytes are not valid UTF-8 (or NUL) */
static size_t utf8_char(const unsigned char *u, unsigned *cp)
{
    size_t n, i;
    unsigned c = u[0];

    if (c == 0)
	return 0;
    if (c < 0x80) {
	*cp = c;
	return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
	n = 2;
	c &= 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
	n = 3;
	c &= 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
	n = 4;
	c &= 0x07;
    } else {
	return 0;
    }
    for (i = 1; i < n; i++) {
	if ((u[i] & 0xc0) != 0x80)	/* also stops at the NUL */
	    return 0;
	c = c << 6 | (u[i] & 0x3f);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff))
	|| (c >= 0xd800 && c <= 0xdfff))
	return 0;
    *cp = c;
    return n;
}

/* is_control - C0, DEL and C1 controls */
static int is_control(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* is_bidi - explicit bidirectional controls, which can make a tag
 *	display differently from its bytes */
static int is_bidi(unsigned cp)
{
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
	|| cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/* config_table_text_check - NULL if s is clean UTF-8 text, else why */
const char *config_table_text_check(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned cp;
    size_t n;

    while (*u) {
	if ((n = utf8_char(u, &cp)) == 0)
	    return "invalid UTF-8";
	if (is_control(cp))
	    return "control character";
	if (is_bidi(cp))
	    return "bidirectional control character";
	u += n;
    }
    return NULL;
}

/* config_table_escape - untrusted s made safe to show in a message */
void config_table_escape(const char *s, char *buf, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    const size_t keep = 64;	/* enough to recognise a value */
    size_t o = 0, n;
    unsigned cp;

    if (len == 0)
	return;
    while (*u) {
	n = utf8_char(u, &cp);
	if (n && (is_control(cp) || is_bidi(cp)))
	    n = 0;
	if (o >= keep || o + (n ? n : 4) + 4 > len) {
	    if (o + 4 <= len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	    }
	    break;
	}
	if (n) {
	    memcpy(buf + o, u, n);
	    o += n;
	    u += n;
	} else {
	    snprintf(buf + o, len - o, "\\x%02X", *u);
	    o += 4;
	    u++;
	}
    }
    buf[o] = '\0';
}

/* parse_digits - decimal digits at s into *out; *end after them.
 *	-1 if there is no digit, -2 on overflow */
static int parse_digits(const char *s, unsigned long long *out, const char **end)
{
    unsigned long long v = 0;
    int d;

    if (*s < '0' || *s > '9')
	return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
	d = *s - '0';
	if (v > (ULLONG_MAX - (unsigned)d) / 10)
	    return -2;
	v = v * 10 + (unsigned)d;
    }
    *out = v;
    *end = s;
    return 0;
}

/* scale - *v times unit, -2 on overflow */
static int scale(unsigned long long *v, unsigned long long unit)
{
    if (*v > ULLONG_MAX / unit)
	return -2;
    *v *= unit;
    return 0;
}

/* config_table_parse_count - plain decimal number */
int config_table_parse_count(const char *s, unsigned long long *out)
{
    const char *end;
    int rc;

    if ((rc = parse_digits(s, out, &end)) < 0)
	return rc;
    return *end ? -1 : 0;
}

/* config_table_parse_size - number of bytes with optional k/K/M/G */
int config_table_parse_size(const char *s, unsigned long long *out)
{
    const char *end;
    unsigned long long v;
    int rc;

    if ((rc = parse_digits(s, &v, &end)) < 0)
	return rc;
    switch (*end) {
    case '\0':
	break;
    case 'k':
    case 'K':
	rc = scale(&v, KIB);
	end++;
	break;
    case 'M':
	rc = scale(&v, MIB);
	end++;
	break;
    case 'G':
	rc = scale(&v, GIB);
	end++;
	break;
    default:
	return -1;
    }
    if (*end)
	return -1;
    if (rc < 0)
	return rc;
    *out = v;
    return 0;
}

/* config_table_parse_duration - number with unit ms, s or m, in ms */
int config_table_parse_duration(const char *s, unsigned long long *out)
{
    const char *end;
    unsigned long long v;
    int rc;

    if ((rc = parse_digits(s, &v, &end)) < 0)
	return rc;
    if (strcmp(end, "ms") == 0)
	rc = 0;
    else if (strcmp(end, "s") == 0)
	rc = scale(&v, 1000);
    else if (strcmp(end, "m") == 0)
	rc = scale(&v, 60000);
    else if (strcmp(end, "h") == 0)
	rc = scale(&v, 3600000);
    else if (strcmp(end, "d") == 0)
	rc = scale(&v, 86400000);
    else
	return -1;
    if (rc < 0)
	return rc;
    *out = v;
    return 0;
}

/* config_table_parse_bool - yes/no, true/false, on/off, any case */
int config_table_parse_bool(const char *s, int *out)
{
    if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcasecmp(s, "on"))
	*out = 1;
    else if (!strcasecmp(s, "no") || !strcasecmp(s, "false")
	     || !strcasecmp(s, "off"))
	*out = 0;
    else
	return -1;
    return 0;
}

/* format_number - v in the units of type, shortest exact suffix */
static void format_number(config_type type, unsigned long long v,
			  char *buf, size_t len)
{
    if (type == CONFIG_TYPE_SIZE && v != 0) {
	if (v % GIB == 0)
	    snprintf(buf, len, "%lluG", v / GIB);
	else if (v % MIB == 0)
	    snprintf(buf, len, "%lluM", v / MIB);
	else if (v % KIB == 0)
	    snprintf(buf, len, "%lluk", v / KIB);
	else
	    snprintf(buf, len, "%llu", v);
    } else if (type == CONFIG_TYPE_DURATION) {
	if (v != 0 && v % 86400000 == 0)
	    snprintf(buf, len, "%llud", v / 86400000);
	else if (v != 0 && v % 3600000 == 0)
	    snprintf(buf, len, "%lluh", v / 3600000);
	else if (v % 1000 == 0)
	    snprintf(buf, len, "%llus", v / 1000);
	else
	    snprintf(buf, len, "%llums", v);
    } else {
	snprintf(buf, len, "%llu", v);
    }
}

/* field - address of e's field in p */
static void *field(const config_entry *e, const policy *p)
{
    return (char *)p + e->offset;
}

/* store_number - write v into a field of e->width bytes */
static void store_number(const config_entry *e, policy *p,
			 unsigned long long v)
{
    uint8_t u8 = (uint8_t)v;
    uint16_t u16 = (uint16_t)v;
    uint32_t u32 = (uint32_t)v;
    uint64_t u64 = v;

    /* memcpy by width: the fields are size_t, unsigned, enums and bool */
    switch (e->width) {
    case 1:
	memcpy(field(e, p), &u8, 1);
	break;
    case 2:
	memcpy(field(e, p), &u16, 2);
	break;
    case 4:
	memcpy(field(e, p), &u32, 4);
	break;
    case 8:
	memcpy(field(e, p), &u64, 8);
	break;
    }
}

/* load_number - read a field of e->width bytes */
static unsigned long long load_number(const config_entry *e, const policy *p)
{
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;

    switch (e->width) {
    case 1:
	memcpy(&u8, field(e, p), 1);
	return u8;
    case 2:
	memcpy(&u16, field(e, p), 2);
	return u16;
    case 4:
	memcpy(&u32, field(e, p), 4);
	return u32;
    case 8:
	memcpy(&u64, field(e, p), 8);
	return u64;
    }
    return 0;
}

/* string_slot - the char * field of a STRING or PATH entry */
static char **string_slot(const config_entry *e, const policy *p)
{
    return (char **)field(e, p);
}

/* rule_slot - the rules * field of a RULE entry */
static rules **rule_slot(const config_entry *e, const policy *p)
{
    return (rules **)field(e, p);
}

/* is_number - entry types held as a number */
static int is_number(config_type t)
{
    return t == CONFIG_TYPE_SIZE || t == CONFIG_TYPE_COUNT
	|| t == CONFIG_TYPE_DURATION;
}

/* choice_list - "a, b, c" for a message */
static void choice_list(const config_entry *e, char *buf, size_t len)
{
    size_t i, o = 0;

    buf[0] = '\0';
    for (i = 0; e->choices[i]; i++) {
	int n = snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
			 e->choices[i]);
	if (n < 0 || (size_t)n >= len - o)
	    break;
	o += (size_t)n;
    }
}

/* expected - what a value of e's type looks like, for a message */
static const char *expected(config_type t)
{
    switch (t) {
    case CONFIG_TYPE_SIZE:
	return "a size in bytes with optional suffix k, M or G";
    case CONFIG_TYPE_COUNT:
	return "a whole number";
    case CONFIG_TYPE_DURATION:
	return "a duration with unit ms, s, m, h or d";
    case CONFIG_TYPE_BOOL:
	return "yes or no";
    default:
	return "a value";
    }
}

/* set_text - replace e's string in p with a copy of value */
static int set_text(const config_entry *e, policy *p, const char *value,
		    char *why, size_t whylen)
{
    const char *bad;
    char *copy;

    if (e->type == CONFIG_TYPE_PATH && *value == '\0') {
	snprintf(why, whylen, "%s: empty path", e->key);
	return -1;
    }
    if ((bad = config_table_text_check(value)) != NULL) {
	snprintf(why, whylen, "%s: %s in value", e->key, bad);
	return -1;
    }
    if (e->check_text && (bad = e->check_text(value)) != NULL) {
	snprintf(why, whylen, "%s: %s", e->key, bad);
	return -1;
    }
    if ((copy = strdup(value)) == NULL) {
	snprintf(why, whylen, "%s: %s", e->key, strerror(errno));
	return -1;
    }
    free(*string_slot(e, p));
    *string_slot(e, p) = copy;
    return 0;
}

/* config_table_set - parse, check and store one value */
int config_table_set(const config_entry *e, policy *p, const char *value,
		     char *why, size_t whylen)
{
    char shown[128], lo[32], hi[32], names[256];
    unsigned long long v = 0;
    const char *bad;
    int rc = 0, b = 0;
    size_t i;

    switch (e->type) {
    case CONFIG_TYPE_STRING:
    case CONFIG_TYPE_PATH:
	return set_text(e, p, value, why, whylen);
    case CONFIG_TYPE_RULE:
	return rules_parse(rule_slot(e, p), (rules_kind)e->def_num, value,
			   why, whylen);
    case CONFIG_TYPE_CHOICE:
	for (i = 0; e->choices[i]; i++)
	    if (strcasecmp(value, e->choices[i]) == 0)
		break;
	if (e->choices[i] == NULL) {
	    config_table_escape(value, shown, sizeof shown);
	    choice_list(e, names, sizeof names);
	    snprintf(why, whylen, "%s: invalid value '%s' (expected one of: %s)",
		     e->key, shown, names);
	    return -1;
	}
	v = i;
	break;
    case CONFIG_TYPE_BOOL:
	rc = config_table_parse_bool(value, &b);
	v = (unsigned long long)b;
	break;
    case CONFIG_TYPE_COUNT:
	rc = config_table_parse_count(value, &v);
	break;
    case CONFIG_TYPE_SIZE:
	rc = config_table_parse_size(value, &v);
	break;
    case CONFIG_TYPE_DURATION:
	rc = config_table_parse_duration(value, &v);
	break;
    }
    if (rc == -1) {
	config_table_escape(value, shown, sizeof shown);
	snprintf(why, whylen, "%s: invalid value '%s' (expected %s)",
		 e->key, shown, expected(e->type));
	return -1;
    }
    if (is_number(e->type) && (rc == -2 || v < e->min || v > e->max)) {
	config_table_escape(value, shown, sizeof shown);
	format_number(e->type, e->min, lo, sizeof lo);
	format_number(e->type, e->max, hi, sizeof hi);
	snprintf(why, whylen, "%s: %s is out of range (%s..%s)",
		 e->key, shown, lo, hi);
	return -1;
    }
    if (e->check && (bad = e->check(v)) != NULL) {
	snprintf(why, whylen, "%s", bad);
	return -1;
    }
    store_number(e, p, v);
    return 0;
}

/* config_table_defaults - every default into p */
int config_table_defaults(policy *p)
{
    char why[256];
    size_t i;

    for (i = 0; i < config_table_count; i++) {
	const config_entry *e = &config_table[i];

	if (e->type == CONFIG_TYPE_STRING || e->type == CONFIG_TYPE_PATH) {
	    if (set_text(e, p, e->def_str, why, sizeof why) < 0)
		return -1;
	} else if (e->type == CONFIG_TYPE_RULE) {
	    *rule_slot(e, p) = NULL;	/* no rules by default */
	} else {
	    store_number(e, p, e->def_num);
	}
    }
    return 0;
}

/* config_table_free - free the table's strings in p */
void config_table_free(policy *p)
{
    size_t i;

    for (i = 0; i < config_table_count; i++) {
	const config_entry *e = &config_table[i];

	if (e->type == CONFIG_TYPE_STRING || e->type == CONFIG_TYPE_PATH) {
	    free(*string_slot(e, p));
	    *string_slot(e, p) = NULL;
	} else if (e->type == CONFIG_TYPE_RULE) {
	    /* the kinds share one set: the first entry frees it */
	    rules_free(*rule_slot(e, p));
	    *rule_slot(e, p) = NULL;
	}
    }
}

/* needs_quotes - whether s would not survive "key = s" unquoted:
 *	outer blanks are stripped, a leading ';' starts a comment and
 *	outer quotes would be taken away */
static int needs_quotes(const char *s)
{
    size_t n = strlen(s);

    if (n == 0)
	return 1;
    return s[0] == ' ' || s[0] == '\t' || s[0] == '"' || s[0] == ';'
	|| s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '"';
}

/* format_value - v (or s) as config text */
static int format_value(const config_entry *e, unsigned long long v,
			const char *s, char *buf, size_t len)
{
    switch (e->type) {
    case CONFIG_TYPE_STRING:
    case CONFIG_TYPE_PATH:
	if (s == NULL)
	    s = "";
	return snprintf(buf, len, needs_quotes(s) ? "\"%s\"" : "%s", s);
    case CONFIG_TYPE_CHOICE:
	return snprintf(buf, len, "%s", e->choices[v]);
    case CONFIG_TYPE_BOOL:
	return snprintf(buf, len, "%s", v ? "yes" : "no");
    default:
	format_number(e->type, v, buf, len);
	return (int)strlen(buf);
    }
}

/* config_table_format - e's value in p as config text */
int config_table_format(const config_entry *e, const policy *p,
			char *buf, size_t len)
{
    if (e->type == CONFIG_TYPE_STRING || e->type == CONFIG_TYPE_PATH)
	return format_value(e, 0, *string_slot(e, p), buf, len);
    if (e->type == CONFIG_TYPE_RULE) {
	int n = rules_format(*rule_slot(e, p), (rules_kind)e->def_num, 0,
			     buf, len);
	if (n < 0 && len > 0)
	    buf[0] = '\0';
	return n < 0 ? 0 : n;
    }
    return format_value(e, load_number(e, p), NULL, buf, len);
}

/* describe - the type, range and default line of the sample file */
static void describe(const config_entry *e, char *buf, size_t len)
{
    char def[256], lo[32], hi[32], names[256];

    format_value(e, e->def_num, e->def_str, def, sizeof def);
    switch (e->type) {
    case CONFIG_TYPE_CHOICE:
	choice_list(e, names, sizeof names);
	snprintf(buf, len, "one of: %s; default: %s", names, def);
	break;
    case CONFIG_TYPE_BOOL:
	snprintf(buf, len, "yes or no; default: %s", def);
	break;
    case CONFIG_TYPE_STRING:
	snprintf(buf, len, "UTF-8 text, quote it to keep outer spaces%s; "
		 "default: %s", e->path != CONFIG_PATH_NONE
		 ? "; a relative path in it is taken from this file's directory"
		 : "", def);
	break;
    case CONFIG_TYPE_PATH:
	snprintf(buf, len, "path, relative to this file's directory "
		 "unless it starts with /; default: %s", def);
	break;
    case CONFIG_TYPE_RULE:
	snprintf(buf, len, "MODE PATTERN..., repeatable, list:FILE relative "
		 "to this file's directory; default: none; example: %s = %s",
		 e->key, e->def_str);
	break;
    default:
	format_number(e->type, e->min, lo, sizeof lo);
	format_number(e->type, e->max, hi, sizeof hi);
	snprintf(buf, len, "%s, %s..%s; default: %s",
		 e->type == CONFIG_TYPE_SIZE ? "size (k, M, G = 1024-based)"
		 : e->type == CONFIG_TYPE_DURATION ? "duration (ms, s, m, h, d)"
		 : "number", lo, hi, def);
	break;
    }
}

/* write_wrapped - text as comment lines of at most about 72 columns,
 *	broken at spaces; the first line starts with lead, the others
 *	with more */
static void write_wrapped(FILE *out, const char *lead, const char *more,
			  const char *text)
{
    const size_t width = 72;
    const char *prefix = lead, *brk, *p;
    size_t room;

    for (;;) {
	room = width > strlen(prefix) ? width - strlen(prefix) : 1;
	if (strlen(text) <= room) {
	    fprintf(out, "%s%s\n", prefix, text);
	    return;
	}
	/* the last space that fits, else the first one at all */
	for (brk = NULL, p = text; *p && (brk == NULL || (size_t)(p - text) <= room); p++)
	    if (*p == ' ')
		brk = p;
	if (brk == NULL) {
	    fprintf(out, "%s%s\n", prefix, text);
	    return;
	}
	fprintf(out, "%s%.*s\n", prefix, (int)(brk - text), text);
	text = brk + 1;
	prefix = more;
    }
}

/* config_table_write - a complete commented config holding p */
int config_table_write(FILE *out, const policy *p)
{
    char buf[1024];
    size_t s, i;

    fputs("# mugai.conf - configuration of mugai, the mail sanitization gateway\n"
	  "# メール無害化ゲートウェイ mugai の設定ファイル\n"
	  "#\n"
	  "# Syntax: [section] headers and \"key = value\" lines. A line that\n"
	  "# starts with # or ; is a comment, and so is \" ;\" and what follows\n"
	  "# it on a line. Quote a value (\"...\") to keep outer spaces. Sizes\n"
	  "# take k, M or G (1024-based); durations take ms, s, m, h or d. A\n"
	  "# relative path (a file or directory name not starting with /) is\n"
	  "# taken from the directory of this file, whatever the working\n"
	  "# directory of the program that reads it. Every key is listed\n"
	  "# below with its range and default. See mugai.conf(5); check a\n"
	  "# file with: mugai check-config -c FILE\n",
	  out);
    for (s = 0; s < config_table_section_count; s++) {
	const config_section *sec = &config_table_sections[s];

	fprintf(out, "\n[%s]\n# %s\n# %s\n", sec->name, sec->title, sec->gloss);
	for (i = 0; i < config_table_count; i++) {
	    const config_entry *e = &config_table[i];

	    if (strcmp(e->section, sec->name) != 0)
		continue;
	    snprintf(buf, sizeof buf, "%s: %s", e->key, e->help);
	    fputc('\n', out);
	    write_wrapped(out, "# ", "# ", buf);
	    describe(e, buf, sizeof buf);
	    write_wrapped(out, "#   ", "#     ", buf);
	    if (e->type == CONFIG_TYPE_RULE) {
		size_t n, count = rules_count(*rule_slot(e, p),
					      (rules_kind)e->def_num);

		for (n = 0; n < count; n++) {
		    rules_format(*rule_slot(e, p), (rules_kind)e->def_num, n,
				 buf, sizeof buf);
		    fprintf(out, "%s = %s\n", e->key, buf);
		}
		continue;
	    }
	    config_table_format(e, p, buf, sizeof buf);
	    fprintf(out, "%s = %s\n", e->key, buf);
	}
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* config_table_dump - the embedded defaults as a commented config */
int config_table_dump(FILE *out)
{
    policy *p = policy_defaults();
    int rc;

    if (p == NULL)
	return -1;
    rc = config_table_write(out, p);
    policy_unref(p);
    return rc;
}

/* config_table_section - look up a section by name */
const config_section *config_table_section(const char *name)
{
    size_t i;

    for (i = 0; i < config_table_section_count; i++)
	if (strcmp(config_table_sections[i].name, name) == 0)
	    return &config_table_sections[i];
    return NULL;
}

/* config_table_find - look up section/key */
const config_entry *config_table_find(const char *section, const char *key)
{
    size_t i;

    for (i = 0; i < config_table_count; i++)
	if (strcmp(config_table[i].section, section) == 0
	    && strcmp(config_table[i].key, key) == 0)
	    return &config_table[i];
    return NULL;
}

/* config_table_find_key - look up key in any section */
const config_entry *config_table_find_key(const char *key)
{
    size_t i;

    for (i = 0; i < config_table_count; i++)
	if (strcmp(config_table[i].key, key) == 0)
	    return &config_table[i];
    return NULL;
}

/* verify_entry - consistency of one entry; reason or NULL */
static const char *verify_entry(const config_entry *e)
{
    unsigned long long v, widest;
    char text[256];
    size_t n;
    int b;

    if (config_table_section(e->section) == NULL)
	return "unknown section";
    if (config_table_find(e->section, e->key) != e)
	return "key listed twice";
    if (e->help == NULL || strchr(e->help, '\n'))
	return "help must be one line";
    if (e->type == CONFIG_TYPE_RULE) {
	rules *rs = NULL;
	int rc;

	if (e->width != sizeof(rules *) || e->def_str == NULL)
	    return "rule field or example";
	if (e->def_num > RULES_CLIENT)
	    return "rule kind";
	/* the example must parse, except for list files it names */
	rc = strstr(e->def_str, "list:") ? 0
	    : rules_parse(&rs, (rules_kind)e->def_num, e->def_str, text,
			  sizeof text);
	rules_free(rs);
	return rc < 0 ? "example does not parse" : NULL;
    }
    if (e->check_text && e->type == CONFIG_TYPE_STRING
	&& e->check_text(e->def_str) != NULL)
	return "default refused by its check";
    if (e->type == CONFIG_TYPE_STRING || e->type == CONFIG_TYPE_PATH) {
	if (e->width != sizeof(char *) || e->def_str == NULL)
	    return "string field or default";
	if (config_table_text_check(e->def_str))
	    return "default is not clean UTF-8 text";
	if (e->type == CONFIG_TYPE_PATH && *e->def_str == '\0')
	    return "empty default path";
	return NULL;
    }
    if (e->width != 1 && e->width != 2 && e->width != 4 && e->width != 8)
	return "field width";
    widest = e->width == 8 ? ~0ull : (1ull << (e->width * 8)) - 1;
    if (e->type == CONFIG_TYPE_CHOICE) {
	if (e->choices == NULL)
	    return "no choices";
	for (n = 0; e->choices[n]; n++)
	    ;
	if (n == 0 || e->min != 0 || e->max != n - 1)
	    return "choice range";
    } else if (e->type == CONFIG_TYPE_BOOL) {
	if (e->max > 1)
	    return "bool range";
    }
    if (e->min > e->max || e->max > widest)
	return "range does not fit the field";
    if (e->def_num < e->min || e->def_num > e->max)
	return "default out of range";
    if (e->check && e->check(e->def_num))
	return "default refused by its check";
    /* the default must read back as itself */
    format_value(e, e->def_num, NULL, text, sizeof text);
    switch (e->type) {
    case CONFIG_TYPE_SIZE:
	if (config_table_parse_size(text, &v) || v != e->def_num)
	    return "default does not round-trip";
	break;
    case CONFIG_TYPE_DURATION:
	if (config_table_parse_duration(text, &v) || v != e->def_num)
	    return "default does not round-trip";
	break;
    case CONFIG_TYPE_COUNT:
	if (config_table_parse_count(text, &v) || v != e->def_num)
	    return "default does not round-trip";
	break;
    case CONFIG_TYPE_BOOL:
	if (config_table_parse_bool(text, &b) || (unsigned)b != e->def_num)
	    return "default does not round-trip";
	break;
    default:
	break;
    }
    return NULL;
}

/* config_table_verify - check every entry of the table */
int config_table_verify(char *why, size_t whylen)
{
    const char *bad;
    size_t i;

    for (i = 0; i < config_table_count; i++) {
	if ((bad = verify_entry(&config_table[i])) != NULL) {
	    snprintf(why, whylen, "[%s] %s: %s", config_table[i].section,
		     config_table[i].key, bad);
	    return -1;
	}
    }
    return 0;
}
