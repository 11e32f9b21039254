/*
 * NAME
 *	export - an item copied out of the vault as evidence (証拠保全)
 * DESCRIPTION
 *	See export.h. Each file is written to a temporary name, fsync'ed
 *	and linked to its final name (link fails rather than replace).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "sanitizer/strbuf.h"
#include "vault/export.h"
#include "vault/vault_file.h"
#include "vault/vault_private.h"

enum { EXPORT_EML, EXPORT_JSON, EXPORT_SHA, EXPORT_MANIFEST, EXPORT_NFILES };
static const char *const export_ext[EXPORT_NFILES] = { "eml", "json", "sha256", "manifest.txt" };

/*
 * export_finish - commit the temp file t as final (never over an existing
 * file), or, when writing it failed (written < 0), discard it; a vault code
 */
static int export_finish(vault *v, vault_file_tmp *t, int written, const char *final)
{
    if (written < 0) {
        int e = errno;
        vault_file_tmp_discard(t);
        return vault_set_error(v, vault_file_disk_full(e) ? VAULT_ENOSPC : VAULT_EFAIL,
                               "cannot write %s: %s", final, strerror(e));
    }
    if (vault_file_commit(t, final, 1) < 0)
        return vault_set_error(v, errno == EEXIST ? VAULT_EREFUSED : VAULT_EFAIL,
                               "cannot write %s: %s", final,
                               errno == EEXIST ? "it exists, refusing to overwrite" : strerror(errno));
    return 0;
}

/* export_copy - copy fd into a new file final; its SHA-256 into sha */
static int export_copy(vault *v, int fd, const char *dir, const char *final, char sha[65])
{
    vault_file_tmp t;
    int rc = vault_file_tmp_open(&t, dir) < 0 || vault_file_copy(fd, t.fd, sha, NULL) < 0 ? -1 : 0;
    return export_finish(v, &t, rc, final);
}

/* export_text - a new file final holding text */
static int export_text(vault *v, const char *dir, const char *final, const char *text, size_t len)
{
    vault_file_tmp t;
    int rc = vault_file_tmp_open(&t, dir) < 0 || vault_file_write_all(t.fd, text, len) < 0 ? -1 : 0;
    return export_finish(v, &t, rc, final);
}

/* export_manifest - the custody record */
static char *export_manifest(vault *v, const vault_item *it, const char *sha_json, size_t *len)
{
    strbuf b = { 0 };
    char when[64], recv[64];
    time_t now = time(NULL), r = (time_t)it->received;
    struct tm tm;
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", localtime_r(&now, &tm));
    strftime(recv, sizeof(recv), "%Y-%m-%dT%H:%M:%S%z", localtime_r(&r, &tm));
    strbuf_printf(&b, "vault-id: %s\nreceived: %s\nsender: <%s>\n", it->id, recv,
                  it->sender ? it->sender : "");
    for (size_t i = 0; i < it->nrcpts; i++)
        strbuf_printf(&b, "recipient: <%s>\n", it->rcpts[i]);
    strbuf_printf(&b, "message-id: %s\nverdict: %s\nvirus: %s\nreason: %s\n"
                  "original-sha256: %s\noriginal-size: %llu\nreport-sha256: %s\n"
                  "exported: %s\nexported-by: %s\n",
                  it->message_id ? it->message_id : "", it->verdict ? it->verdict : "",
                  it->virus ? it->virus : "", it->reason ? it->reason : "",
                  it->sha256, it->size, sha_json, when, v->actor);
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    /* Field values came from mail: no line breaks may survive into the manifest. */
    for (size_t i = 0; i < b.len; i++)
        if ((unsigned char)b.s[i] < 0x20 && b.s[i] != '\n')
            b.s[i] = '?';
    return strbuf_steal(&b, len);
}

/* export_item - write the four files or none */
int export_item(vault *v, const char *id, const char *dir)
{
    vault_item it;
    char path[EXPORT_NFILES][VAULT_PATH_SIZE], sha_eml[65], sha_json[65];
    int made = 0, fd = -1;
    char *text = NULL;
    pthread_mutex_lock(&v->lock);
    int rc = vault_get(v, id, &it);
    if (rc < 0) {
        pthread_mutex_unlock(&v->lock);
        return rc;
    }
    struct stat st;
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        rc = vault_set_error(v, VAULT_EFAIL, "cannot create %s: %s", dir, strerror(errno));
        goto done;
    }
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        rc = vault_set_error(v, VAULT_EFAIL, "%s is not a directory", dir);
        goto done;
    }
    for (int i = 0; i < EXPORT_NFILES; i++) {
        int n = snprintf(path[i], sizeof(path[i]), "%s/%s.%s", dir, it.id, export_ext[i]);
        if (n < 0 || (size_t)n >= sizeof(path[i])) {
            rc = vault_set_error(v, VAULT_EFAIL, "export path too long");
            goto done;
        }
        if (lstat(path[i], &st) == 0) {
            rc = vault_set_error(v, VAULT_EREFUSED, "%s exists: export refuses to overwrite",
                                 path[i]);
            goto done;
        }
    }
    char detail[VAULT_PATH_SIZE + 16];
    snprintf(detail, sizeof(detail), "to=%s", dir);
    if ((rc = vault_audit_locked(v, "export", it.id, detail)) < 0)
        goto done;

    if ((fd = vault_open_file(v, &it, VAULT_FILE_ORIGINAL)) < 0) {
        rc = fd;
        goto failed;
    }
    if ((rc = export_copy(v, fd, dir, path[EXPORT_EML], sha_eml)) < 0)
        goto failed;
    made = 1;
    close(fd);
    if ((fd = vault_open_file(v, &it, VAULT_FILE_REPORT)) < 0) {
        rc = fd;
        goto failed;
    }
    if ((rc = export_copy(v, fd, dir, path[EXPORT_JSON], sha_json)) < 0)
        goto failed;
    made = 2;
    strbuf b = { 0 };
    strbuf_printf(&b, "%s  %s.eml\n%s  %s.json\n", sha_eml, it.id, sha_json, it.id);
    if (b.oom) {
        strbuf_free(&b);
        rc = vault_set_error(v, VAULT_ENOMEM, "out of memory");
        goto failed;
    }
    rc = export_text(v, dir, path[EXPORT_SHA], b.s, b.len);
    strbuf_free(&b);
    if (rc < 0)
        goto failed;
    made = 3;
    size_t len;
    if (!(text = export_manifest(v, &it, sha_json, &len))) {
        rc = vault_set_error(v, VAULT_ENOMEM, "out of memory");
        goto failed;
    }
    if ((rc = export_text(v, dir, path[EXPORT_MANIFEST], text, len)) < 0)
        goto failed;
    goto done;
failed:
    for (int i = 0; i < made; i++)
        unlink(path[i]);
    {
        char keep[VAULT_ERR_SIZE];
        snprintf(keep, sizeof(keep), "%s", v->err);
        vault_audit_locked(v, "export-failed", it.id, keep);
        snprintf(v->err, sizeof(v->err), "%s", keep);
    }
done:
    if (fd >= 0)
        close(fd);
    free(text);
    vault_item_free(&it);
    pthread_mutex_unlock(&v->lock);
    return rc;
}
