/*
 * NAME
 *	typerules - what each true type may do, and names that lie
 * DESCRIPTION
 *	Tables map detected MIME types, byte signatures and extensions to
 *	classes. Extensions only ever make a class stricter: content decides
 *	what a file is, but Windows decides by name what it does with it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "sanitizer/typerules.h"
#include "sanitizer/utf8.h"

static const char *const typerules_class_names[TYPERULES_NCLASSES] = {
    "text", "html", "image", "pdf", "office", "media", "message", "archive",
    "executable", "script", "shortcut", "disk_image", "onenote", "chm",
    "installer", "java", "encrypted", "other",
};

/* typerules_defaults - runnable classes removed, everything else kept */
void typerules_defaults(typerules *t)
{
    for (int i = 0; i < TYPERULES_NCLASSES; i++)
        t->action[i] = TYPERULES_KEEP;
    static const typerules_class removed[] = {
        TYPERULES_EXECUTABLE, TYPERULES_SCRIPT, TYPERULES_SHORTCUT, TYPERULES_DISK_IMAGE,
        TYPERULES_ONENOTE, TYPERULES_CHM, TYPERULES_INSTALLER, TYPERULES_JAVA,
        TYPERULES_ENCRYPTED,
    };
    for (size_t i = 0; i < sizeof(removed) / sizeof(*removed); i++)
        t->action[removed[i]] = TYPERULES_REMOVE;
    t->spoofed = TYPERULES_REMOVE;
    t->archive_limit = TYPERULES_REMOVE;
}

typedef struct { const char *key; typerules_class cls; } typerules_map;

/* Exact MIME types, or prefixes ending in '*'; first match wins. */
static const typerules_map typerules_mimes[] = {
    { "application/x-dosexec", TYPERULES_EXECUTABLE },
    { "application/vnd.microsoft.portable-executable", TYPERULES_EXECUTABLE },
    { "application/x-msdownload", TYPERULES_EXECUTABLE },
    { "application/x-executable", TYPERULES_EXECUTABLE },
    { "application/x-sharedlib", TYPERULES_EXECUTABLE },
    { "application/x-pie-executable", TYPERULES_EXECUTABLE },
    { "application/x-mach-binary", TYPERULES_EXECUTABLE },
    { "application/x-object", TYPERULES_EXECUTABLE },
    { "application/x-coff", TYPERULES_EXECUTABLE },
    { "application/x-msi", TYPERULES_INSTALLER },
    { "application/x-ole-storage-msi", TYPERULES_INSTALLER },
    { "application/vnd.ms-msi", TYPERULES_INSTALLER },
    { "application/x-ms-installer", TYPERULES_INSTALLER },
    { "application/x-ms-shortcut", TYPERULES_SHORTCUT },
    { "application/x-iso9660-image", TYPERULES_DISK_IMAGE },
    { "application/x-virtualbox-vhd", TYPERULES_DISK_IMAGE },
    { "application/x-virtualbox-vhdx", TYPERULES_DISK_IMAGE },
    { "application/x-apple-diskimage", TYPERULES_DISK_IMAGE },
    { "application/x-raw-disk-image", TYPERULES_DISK_IMAGE },
    { "application/onenote", TYPERULES_ONENOTE },
    { "application/msonenote", TYPERULES_ONENOTE },
    { "application/vnd.ms-htmlhelp", TYPERULES_CHM },
    { "application/x-chm", TYPERULES_CHM },
    { "application/java-archive", TYPERULES_JAVA },
    { "application/x-java-archive", TYPERULES_JAVA },
    { "application/x-java-applet", TYPERULES_JAVA },
    { "application/x-java-jnlp-file", TYPERULES_JAVA },
    { "application/javascript", TYPERULES_SCRIPT },
    { "application/x-javascript", TYPERULES_SCRIPT },
    { "text/javascript", TYPERULES_SCRIPT },
    { "application/hta", TYPERULES_SCRIPT },
    { "text/x-shellscript", TYPERULES_SCRIPT },
    { "text/x-msdos-batch", TYPERULES_SCRIPT },
    { "text/x-python*", TYPERULES_SCRIPT },
    { "text/x-script.python", TYPERULES_SCRIPT },
    { "text/x-perl", TYPERULES_SCRIPT },
    { "text/x-php", TYPERULES_SCRIPT },
    { "text/x-ruby", TYPERULES_SCRIPT },
    { "text/x-tcl", TYPERULES_SCRIPT },
    { "text/x-awk", TYPERULES_SCRIPT },
    { "text/x-lua", TYPERULES_SCRIPT },
    { "application/x-powershell", TYPERULES_SCRIPT },
    { "application/pdf", TYPERULES_PDF },
    { "application/msword", TYPERULES_OFFICE },
    { "application/vnd.ms-*", TYPERULES_OFFICE },
    { "application/vnd.openxmlformats-officedocument.*", TYPERULES_OFFICE },
    { "application/vnd.oasis.opendocument.*", TYPERULES_OFFICE },
    { "application/cdfv2", TYPERULES_OFFICE },
    { "application/x-ole-storage", TYPERULES_OFFICE },
    { "application/rtf", TYPERULES_OFFICE },
    { "text/rtf", TYPERULES_OFFICE },
    { "application/x-hwp", TYPERULES_OFFICE },
    { "application/x-ichitaro*", TYPERULES_OFFICE },
    { "application/zip", TYPERULES_ARCHIVE },
    { "application/x-zip-compressed", TYPERULES_ARCHIVE },
    { "application/gzip", TYPERULES_ARCHIVE },
    { "application/x-gzip", TYPERULES_ARCHIVE },
    { "application/x-tar", TYPERULES_ARCHIVE },
    { "application/x-7z-compressed", TYPERULES_ARCHIVE },
    { "application/x-rar", TYPERULES_ARCHIVE },
    { "application/vnd.rar", TYPERULES_ARCHIVE },
    { "application/x-rar-compressed", TYPERULES_ARCHIVE },
    { "application/x-lzh-compressed", TYPERULES_ARCHIVE },
    { "application/x-lha", TYPERULES_ARCHIVE },
    { "application/x-bzip2", TYPERULES_ARCHIVE },
    { "application/x-xz", TYPERULES_ARCHIVE },
    { "application/x-lzma", TYPERULES_ARCHIVE },
    { "application/zstd", TYPERULES_ARCHIVE },
    { "application/x-cpio", TYPERULES_ARCHIVE },
    { "application/vnd.ms-cab-compressed", TYPERULES_ARCHIVE },
    { "text/html", TYPERULES_HTML },
    { "application/xhtml+xml", TYPERULES_HTML },
    { "image/svg+xml", TYPERULES_HTML },	/* carries script like HTML */
    { "message/*", TYPERULES_MESSAGE },
    { "image/*", TYPERULES_IMAGE },
    { "audio/*", TYPERULES_MEDIA },
    { "video/*", TYPERULES_MEDIA },
    { "text/*", TYPERULES_TEXT },
    { "application/x-empty", TYPERULES_TEXT },
    { "inode/x-empty", TYPERULES_TEXT },
};

static const typerules_map typerules_exts[] = {
    { "exe", TYPERULES_EXECUTABLE }, { "dll", TYPERULES_EXECUTABLE },
    { "scr", TYPERULES_EXECUTABLE }, { "com", TYPERULES_EXECUTABLE },
    { "cpl", TYPERULES_EXECUTABLE }, { "sys", TYPERULES_EXECUTABLE },
    { "pif", TYPERULES_EXECUTABLE }, { "ocx", TYPERULES_EXECUTABLE },
    { "drv", TYPERULES_EXECUTABLE }, { "msc", TYPERULES_EXECUTABLE },
    { "xll", TYPERULES_EXECUTABLE }, { "gadget", TYPERULES_EXECUTABLE },
    { "js", TYPERULES_SCRIPT }, { "jse", TYPERULES_SCRIPT },
    { "vbs", TYPERULES_SCRIPT }, { "vbe", TYPERULES_SCRIPT },
    { "ps1", TYPERULES_SCRIPT }, { "psm1", TYPERULES_SCRIPT },
    { "psd1", TYPERULES_SCRIPT }, { "hta", TYPERULES_SCRIPT },
    { "wsf", TYPERULES_SCRIPT }, { "wsh", TYPERULES_SCRIPT },
    { "wsc", TYPERULES_SCRIPT }, { "sct", TYPERULES_SCRIPT },
    { "bat", TYPERULES_SCRIPT }, { "cmd", TYPERULES_SCRIPT },
    { "sh", TYPERULES_SCRIPT }, { "reg", TYPERULES_SCRIPT },
    { "inf", TYPERULES_SCRIPT }, { "vba", TYPERULES_SCRIPT },
    { "py", TYPERULES_SCRIPT }, { "pl", TYPERULES_SCRIPT },
    { "lnk", TYPERULES_SHORTCUT }, { "url", TYPERULES_SHORTCUT },
    { "scf", TYPERULES_SHORTCUT }, { "website", TYPERULES_SHORTCUT },
    { "iso", TYPERULES_DISK_IMAGE }, { "img", TYPERULES_DISK_IMAGE },
    { "vhd", TYPERULES_DISK_IMAGE }, { "vhdx", TYPERULES_DISK_IMAGE },
    { "dmg", TYPERULES_DISK_IMAGE }, { "udf", TYPERULES_DISK_IMAGE },
    { "one", TYPERULES_ONENOTE }, { "onepkg", TYPERULES_ONENOTE },
    { "chm", TYPERULES_CHM },
    { "msi", TYPERULES_INSTALLER }, { "msp", TYPERULES_INSTALLER },
    { "msix", TYPERULES_INSTALLER }, { "msixbundle", TYPERULES_INSTALLER },
    { "appx", TYPERULES_INSTALLER }, { "appxbundle", TYPERULES_INSTALLER },
    { "appinstaller", TYPERULES_INSTALLER }, { "application", TYPERULES_INSTALLER },
    { "jar", TYPERULES_JAVA }, { "class", TYPERULES_JAVA }, { "jnlp", TYPERULES_JAVA },
    { "pdf", TYPERULES_PDF },
    { "doc", TYPERULES_OFFICE }, { "docx", TYPERULES_OFFICE }, { "docm", TYPERULES_OFFICE },
    { "xls", TYPERULES_OFFICE }, { "xlsx", TYPERULES_OFFICE }, { "xlsm", TYPERULES_OFFICE },
    { "ppt", TYPERULES_OFFICE }, { "pptx", TYPERULES_OFFICE }, { "pptm", TYPERULES_OFFICE },
    { "rtf", TYPERULES_OFFICE }, { "odt", TYPERULES_OFFICE }, { "ods", TYPERULES_OFFICE },
    { "odp", TYPERULES_OFFICE }, { "jtd", TYPERULES_OFFICE }, { "hwp", TYPERULES_OFFICE },
    { "zip", TYPERULES_ARCHIVE }, { "lzh", TYPERULES_ARCHIVE }, { "7z", TYPERULES_ARCHIVE },
    { "rar", TYPERULES_ARCHIVE }, { "gz", TYPERULES_ARCHIVE }, { "tgz", TYPERULES_ARCHIVE },
    { "tar", TYPERULES_ARCHIVE }, { "cab", TYPERULES_ARCHIVE },
    { "jpg", TYPERULES_IMAGE }, { "jpeg", TYPERULES_IMAGE }, { "png", TYPERULES_IMAGE },
    { "gif", TYPERULES_IMAGE }, { "bmp", TYPERULES_IMAGE }, { "svg", TYPERULES_HTML },
    { "htm", TYPERULES_HTML }, { "html", TYPERULES_HTML }, { "mht", TYPERULES_HTML },
    { "txt", TYPERULES_TEXT }, { "csv", TYPERULES_TEXT },
};

/* Extensions a double-extension lure pretends to have. */
static const char *const typerules_lure_exts[] = {
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf", "csv",
    "jpg", "jpeg", "png", "gif", "bmp", "zip", "htm", "html", "jtd", "odt",
};

/* typerules_mime_match - exact or '*'-prefix MIME match, case-blind */
static int typerules_mime_match(const char *mime, const char *key)
{
    size_t kl = strlen(key);
    if (key[kl - 1] == '*')
        return strncasecmp(mime, key, kl - 1) == 0;
    return strcasecmp(mime, key) == 0;
}

/* typerules_has - the bytes at off equal sig */
static int typerules_has(const unsigned char *h, size_t len, size_t off,
                         const void *sig, size_t n)
{
    return h && len >= off + n && memcmp(h + off, sig, n) == 0;
}

/* typerules_class_of_content - the class from content alone */
typerules_class typerules_class_of_content(const char *detected,
                                           const unsigned char *head, size_t len)
{
    static const unsigned char onenote[16] = {
        0xe4, 0x52, 0x5c, 0x7b, 0x8c, 0xd8, 0xa7, 0x4d,
        0xae, 0xb1, 0x53, 0x78, 0xd0, 0x29, 0x96, 0xd3 };
    static const unsigned char lnk[8] = { 0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0 };

    /* Signatures libmagic 5.44 reports only as octet-stream. */
    if (typerules_has(head, len, 0, onenote, sizeof(onenote)))
        return TYPERULES_ONENOTE;
    if (typerules_has(head, len, 0, "ITSF", 4))
        return TYPERULES_CHM;
    if (typerules_has(head, len, 0, "conectix", 8) || typerules_has(head, len, 0, "vhdxfile", 8))
        return TYPERULES_DISK_IMAGE;
    if (typerules_has(head, len, 0x8001, "CD001", 5))
        return TYPERULES_DISK_IMAGE;
    if (typerules_has(head, len, 0, lnk, sizeof(lnk)))
        return TYPERULES_SHORTCUT;
    if (typerules_has(head, len, 0, "\xca\xfe\xba\xbe", 4) && detected &&
        strcasecmp(detected, "application/x-mach-binary") != 0)
        return TYPERULES_JAVA;
    if (typerules_has(head, len, 0, "MZ", 2) && detected &&
        strcasecmp(detected, "application/octet-stream") == 0)
        return TYPERULES_EXECUTABLE;
    if (!detected)
        return TYPERULES_OTHER;
    for (size_t i = 0; i < sizeof(typerules_mimes) / sizeof(*typerules_mimes); i++)
        if (typerules_mime_match(detected, typerules_mimes[i].key))
            return typerules_mimes[i].cls;
    return TYPERULES_OTHER;
}

/* typerules_ext - the last extension of a name (after trailing dots and spaces are ignored) */
static size_t typerules_ext(const char *name, size_t end, const char **ext)
{
    while (end > 0 && (name[end - 1] == ' ' || name[end - 1] == '.'))
        end--;
    size_t i = end;
    while (i > 0 && name[i - 1] != '.' && name[i - 1] != '/' && name[i - 1] != '\\')
        i--;
    if (i == 0 || name[i - 1] != '.' || i == end) {
        *ext = NULL;
        return 0;
    }
    *ext = name + i;
    return end - i;
}

/* typerules_ext_class - the class of one extension, or TYPERULES_OTHER */
static typerules_class typerules_ext_class(const char *ext, size_t n)
{
    for (size_t i = 0; ext && i < sizeof(typerules_exts) / sizeof(*typerules_exts); i++)
        if (strlen(typerules_exts[i].key) == n && strncasecmp(ext, typerules_exts[i].key, n) == 0)
            return typerules_exts[i].cls;
    return TYPERULES_OTHER;
}

/* typerules_class_of_name - the class a name's extension claims */
typerules_class typerules_class_of_name(const char *name)
{
    const char *ext;
    if (!name)
        return TYPERULES_OTHER;
    size_t n = typerules_ext(name, strlen(name), &ext);
    return typerules_ext_class(ext, n);
}

/* typerules_classify - content class, made stricter by the name */
typerules_class typerules_classify(const typerules *t, const char *detected,
                                   const unsigned char *head, size_t len,
                                   const char *name)
{
    typerules_class c = typerules_class_of_content(detected, head, len);
    typerules_class n = typerules_class_of_name(name);
    /* A zip named .jar is a Java archive; a zip named .msix an installer. */
    if (n != TYPERULES_OTHER && t->action[n] > t->action[c])
        return n;
    return c;
}

/* typerules_class_name - the config key of a class */
const char *typerules_class_name(typerules_class c)
{
    return (unsigned)c < TYPERULES_NCLASSES ? typerules_class_names[c] : "other";
}

/* typerules_class_parse - the class called name, or -1 */
int typerules_class_parse(const char *name)
{
    for (int i = 0; name && i < TYPERULES_NCLASSES; i++)
        if (strcmp(name, typerules_class_names[i]) == 0)
            return i;
    return -1;
}

/* typerules_action_name - the action as a word */
const char *typerules_action_name(typerules_action a)
{
    switch (a) {
    case TYPERULES_KEEP:	return "keep";
    case TYPERULES_REMOVE:	return "remove";
    case TYPERULES_QUARANTINE:	return "quarantine";
    }
    return "remove";
}

/* typerules_action_parse - the action called name, or -1 */
int typerules_action_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "keep") == 0)
        return TYPERULES_KEEP;
    if (strcmp(name, "remove") == 0)
        return TYPERULES_REMOVE;
    if (strcmp(name, "quarantine") == 0)
        return TYPERULES_QUARANTINE;
    return -1;
}

/* typerules_stricter - the stricter of two actions */
typerules_action typerules_stricter(typerules_action a, typerules_action b)
{
    return a > b ? a : b;
}

/* typerules_double_ext - a lure extension right before a runnable one */
static int typerules_double_ext(const typerules *t, const char *name)
{
    const char *ext, *prev;
    size_t len = strlen(name);
    size_t n = typerules_ext(name, len, &ext);
    if (!ext)
        return 0;
    typerules_class c = typerules_ext_class(ext, n);
    if (c == TYPERULES_OTHER || t->action[c] == TYPERULES_KEEP)
        return 0;
    size_t pn = typerules_ext(name, (size_t)(ext - 1 - name), &prev);
    if (!prev)
        return 0;
    for (size_t i = 0; i < sizeof(typerules_lure_exts) / sizeof(*typerules_lure_exts); i++)
        if (strlen(typerules_lure_exts[i]) == pn && strncasecmp(prev, typerules_lure_exts[i], pn) == 0)
            return 1;
    return 0;
}

/* typerules_path - a path that leaves its directory (member) or any path (MIME name) */
static int typerules_path(const char *name, int member)
{
    if (!member)
        return strchr(name, '/') || strchr(name, '\\');
    if (name[0] == '/' || name[0] == '\\')
        return 1;
    if (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':')
        return 1;
    const char *p = name;
    while (*p) {
        size_t n = strcspn(p, "/\\");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return 1;
        p += n;
        if (*p)
            p++;
    }
    return 0;
}

/* typerules_name_spoof - spoofing bits of a decoded name */
unsigned typerules_name_spoof(const char *name, int member)
{
    unsigned bits = 0;
    typerules t;

    if (!name || !*name)
        return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p;) {
        unsigned cp;
        size_t n = utf8_next(p, &cp);
        if (n == 0) {
            bits |= TYPERULES_SPOOF_INVISIBLE;
            p++;
            continue;
        }
        if (utf8_is_bidi(cp))
            bits |= TYPERULES_SPOOF_BIDI;
        else if (utf8_is_invisible(cp))
            bits |= TYPERULES_SPOOF_INVISIBLE;
        p += n;
    }
    typerules_defaults(&t);
    if (typerules_double_ext(&t, name))
        bits |= TYPERULES_SPOOF_DOUBLE_EXT;
    if (typerules_path(name, member))
        bits |= TYPERULES_SPOOF_PATH;
    return bits;
}

/* typerules_runnable - classes a name or declared type must not hide */
static int typerules_runnable(typerules_class c)
{
    return c == TYPERULES_EXECUTABLE || c == TYPERULES_SCRIPT || c == TYPERULES_SHORTCUT ||
           c == TYPERULES_INSTALLER || c == TYPERULES_JAVA || c == TYPERULES_CHM ||
           c == TYPERULES_ONENOTE || c == TYPERULES_DISK_IMAGE;
}

/* typerules_content_spoof - content versus name and declared type */
unsigned typerules_content_spoof(typerules_class cls, const char *declared,
                                 const char *name)
{
    unsigned bits = 0;
    typerules_class byname = typerules_class_of_name(name);
    typerules_class bydecl = declared ? typerules_class_of_content(declared, NULL, 0)
                                      : TYPERULES_OTHER;

    /* Scripts are text: only content that is runnable by itself is "disguised". */
    if (typerules_runnable(cls) && cls != TYPERULES_SCRIPT) {
        if (name && byname != cls && !typerules_runnable(byname))
            bits |= TYPERULES_SPOOF_DISGUISED;
        if (declared && bydecl != TYPERULES_OTHER && bydecl != cls && !typerules_runnable(bydecl))
            bits |= TYPERULES_SPOOF_DISGUISED;
    }
    if (cls == TYPERULES_ARCHIVE && declared && strncasecmp(declared, "text/", 5) == 0)
        bits |= TYPERULES_SPOOF_ARCHIVE_AS_TEXT;
    return bits;
}

/* typerules_spoof_describe - the bits as comma-separated words */
void typerules_spoof_describe(unsigned bits, char *buf, size_t size)
{
    static const struct { unsigned bit; const char *word; } w[] = {
        { TYPERULES_SPOOF_BIDI, "bidi-control" },
        { TYPERULES_SPOOF_INVISIBLE, "invisible-character" },
        { TYPERULES_SPOOF_DOUBLE_EXT, "double-extension" },
        { TYPERULES_SPOOF_PATH, "path-in-name" },
        { TYPERULES_SPOOF_DISGUISED, "disguised-executable" },
        { TYPERULES_SPOOF_ARCHIVE_AS_TEXT, "archive-declared-text" },
    };
    size_t o = 0;

    if (size)
        buf[0] = 0;
    for (size_t i = 0; i < sizeof(w) / sizeof(*w); i++) {
        if (!(bits & w[i].bit))
            continue;
        int n = snprintf(buf + o, size - o, "%s%s", o ? "," : "", w[i].word);
        if (n < 0 || (size_t)n >= size - o)
            return;
        o += (size_t)n;
    }
}
