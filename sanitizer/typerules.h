/*
 * NAME
 *	typerules - what each true type may do, and names that lie
 * DESCRIPTION
 *	Every part and archive member is put in a class from its content
 *	(libmagic's MIME type, plus byte signatures libmagic 5.44 does not
 *	name: OneNote, CHM, VHD/VHDX), made stricter by its name's extension
 *	where Windows would run a file by its name (a text file named .js is
 *	a script). The rule table maps each class to keep (cdr mode, after
 *	rebuild), remove (with a notice) or quarantine (withhold the whole
 *	mail). Spoofing — executable content under a harmless name, an
 *	archive declared as text, double extensions, bidi and invisible
 *	characters in names, names that would escape a directory — is a
 *	finding with its own rule.
 */
#ifndef MUGAI_TYPERULES_H
#define MUGAI_TYPERULES_H

#include <stddef.h>

typedef enum {
    TYPERULES_TEXT = 0, TYPERULES_HTML, TYPERULES_IMAGE, TYPERULES_PDF,
    TYPERULES_OFFICE, TYPERULES_MEDIA, TYPERULES_MESSAGE, TYPERULES_ARCHIVE,
    TYPERULES_EXECUTABLE, TYPERULES_SCRIPT, TYPERULES_SHORTCUT,
    TYPERULES_DISK_IMAGE, TYPERULES_ONENOTE, TYPERULES_CHM,
    TYPERULES_INSTALLER, TYPERULES_JAVA, TYPERULES_ENCRYPTED, TYPERULES_OTHER,
    TYPERULES_NCLASSES
} typerules_class;

/* In order of strictness: a larger value wins when several apply. */
typedef enum {
    TYPERULES_KEEP = 0,		/* cdr mode keeps it after rebuild; text mode removes it */
    TYPERULES_REMOVE,		/* removed, listed in the notice */
    TYPERULES_QUARANTINE	/* the whole mail is withheld */
} typerules_action;

typedef struct typerules {
    typerules_action action[TYPERULES_NCLASSES];
    typerules_action spoofed;		/* any spoofing finding */
    typerules_action archive_limit;	/* an archive over a limit, corrupt or unreadable */
} typerules;

/* Spoofing found in a name or in name/type versus content. */
#define TYPERULES_SPOOF_BIDI		0x01	/* bidi control (RTLO ...) in the name */
#define TYPERULES_SPOOF_INVISIBLE	0x02	/* invisible or control character in the name */
#define TYPERULES_SPOOF_DOUBLE_EXT	0x04	/* "report.pdf.exe", "a.doc      .js" */
#define TYPERULES_SPOOF_PATH		0x08	/* name with a path that would leave its directory */
#define TYPERULES_SPOOF_DISGUISED	0x10	/* runnable content under a name or type that hides it */
#define TYPERULES_SPOOF_ARCHIVE_AS_TEXT	0x20	/* archive content declared as text */

/* typerules_defaults - the built-in table: runnable classes removed, the rest kept */
void typerules_defaults(typerules *t);

/*
 * typerules_classify - the class of content from its detected MIME type
 * and its first bytes (head, may be NULL), made stricter by the name's
 * extension under table t (name may be NULL).
 */
typerules_class typerules_classify(const typerules *t, const char *detected,
                                   const unsigned char *head, size_t len,
                                   const char *name);

/* typerules_class_of_content - the class from content alone */
typerules_class typerules_class_of_content(const char *detected,
                                           const unsigned char *head, size_t len);

/* typerules_class_of_name - the class a name's extension claims, or TYPERULES_OTHER */
typerules_class typerules_class_of_name(const char *name);

/* typerules_class_name - the config key of a class ("executable", "disk_image") */
const char *typerules_class_name(typerules_class c);

/* typerules_class_parse - the class called name, or -1 */
int typerules_class_parse(const char *name);

/* typerules_action_name - "keep", "remove", "quarantine" */
const char *typerules_action_name(typerules_action a);

/* typerules_action_parse - the action called name, or -1 */
int typerules_action_parse(const char *name);

/* typerules_stricter - the stricter of two actions */
typerules_action typerules_stricter(typerules_action a, typerules_action b);

/*
 * typerules_name_spoof - spoofing in a decoded UTF-8 name: bidi and
 * invisible characters, double extensions, paths (member: 1 for an
 * archive member name, where a relative path is normal but "..", an
 * absolute path or a drive letter is not). Returns TYPERULES_SPOOF_* bits.
 */
unsigned typerules_name_spoof(const char *name, int member);

/*
 * typerules_content_spoof - spoofing between what the content is (class
 * cls) and what the name and declared type say. Returns
 * TYPERULES_SPOOF_DISGUISED and/or TYPERULES_SPOOF_ARCHIVE_AS_TEXT.
 */
unsigned typerules_content_spoof(typerules_class cls, const char *declared,
                                 const char *name);

/* typerules_spoof_describe - the spoofing bits as words ("bidi,double-extension") into buf */
void typerules_spoof_describe(unsigned bits, char *buf, size_t size);

#endif
