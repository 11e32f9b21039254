/*
 * NAME
 *	vault_verify - the index against the audit chain
 * DESCRIPTION
 *	The chain is the evidence, the index what the commands act on; a
 *	change made to the index behind the vault's back (a row deleted, a
 *	virus name cleared) leaves them disagreeing. The walk collects from
 *	the chain, per vault ID: the stored SHA-256 and virus, whether it
 *	was purged, how many release attempts were recorded; and per
 *	request: whether it was made and decided. The index must then hold
 *	exactly that: every item stored and not purged, with the same
 *	SHA-256 and virus; a disposal record for each purge; as many
 *	releases rows as release attempts; each request, decided as the
 *	chain says. Rows the chain does not know of are reported too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vault/audit.h"
#include "vault/vault_id.h"
#include "vault/vault_private.h"

#define VERIFY_VIRUS_SIZE	256

/* What the chain says about one vault ID. */
typedef struct verify_item {
    char	id[VAULT_ID_SIZE];
    char	sha256[65];
    char	virus[VERIFY_VIRUS_SIZE];
    int		stored;
    int		purged;
    long long	releases;
} verify_item;

/* What the chain says about one request. */
typedef struct verify_request {
    long long	rid;
    char	id[VAULT_ID_SIZE];
    char	decision[16];	/* "", "approve" or "deny" */
} verify_request;

typedef struct verify_state {
    verify_item	*items;
    size_t	nitems, capitems;
    size_t	*slots;		/* hash of items by ID: index + 1, 0 free */
    size_t	nslots;		/* a power of two, at least twice nitems */
    verify_request *reqs;
    size_t	nreqs, capreqs;
    int		oom;
} verify_state;

/* verify_token - the value of " key=" (or at the start) in detail, up to a blank */
static void verify_token(const char *detail, const char *key, char *buf, size_t len)
{
    size_t kl = strlen(key);
    buf[0] = 0;
    for (const char *p = detail; (p = strstr(p, key)) != NULL; p += kl) {
        if ((p != detail && p[-1] != ' ') || p[kl] != '=')
            continue;
        p += kl + 1;
        size_t n = strcspn(p, " ");
        snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
        return;
    }
}

/* verify_hash - FNV-1a of an ID */
static size_t verify_hash(const char *id)
{
    size_t h = 2166136261u;
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 16777619u;
    return h;
}

/* verify_slot - the slot of id: its entry's, or the free one it would take */
static size_t *verify_slot(verify_state *s, const char *id)
{
    size_t m = s->nslots - 1;
    for (size_t i = verify_hash(id) & m;; i = (i + 1) & m)
        if (!s->slots[i] || strcmp(s->items[s->slots[i] - 1].id, id) == 0)
            return &s->slots[i];
}

/* verify_find - the entry of id, or NULL */
static verify_item *verify_find(verify_state *s, const char *id)
{
    if (!s->nslots)
        return NULL;
    size_t *slot = verify_slot(s, id);
    return *slot ? &s->items[*slot - 1] : NULL;
}

/* verify_grow - room for one more item in the array and the hash */
static int verify_grow(verify_state *s)
{
    if (s->nitems == s->capitems) {
        size_t cap = s->capitems ? s->capitems * 2 : 64;
        verify_item *n = realloc(s->items, cap * sizeof(*n));
        if (!n)
            return -1;
        s->items = n;
        s->capitems = cap;
    }
    if ((s->nitems + 1) * 2 > s->nslots) {
        size_t ns = s->nslots ? s->nslots * 2 : 128;
        size_t *old = s->slots;
        s->slots = calloc(ns, sizeof(*s->slots));
        if (!s->slots) {
            s->slots = old;
            return -1;
        }
        s->nslots = ns;
        for (size_t i = 0; i < s->nitems; i++)
            *verify_slot(s, s->items[i].id) = i + 1;
        free(old);
    }
    return 0;
}

/* verify_item_of - the entry of id, added if new */
static verify_item *verify_item_of(verify_state *s, const char *id)
{
    verify_item *it = verify_find(s, id);
    if (it)
        return it;
    if (verify_grow(s) < 0) {
        s->oom = 1;
        return NULL;
    }
    it = &s->items[s->nitems++];
    memset(it, 0, sizeof(*it));
    snprintf(it->id, sizeof(it->id), "%s", id);
    *verify_slot(s, id) = s->nitems;
    return it;
}

/* verify_request_of - the entry of rid, added if new */
static verify_request *verify_request_of(verify_state *s, long long rid)
{
    for (size_t i = s->nreqs; i > 0; i--)
        if (s->reqs[i - 1].rid == rid)
            return &s->reqs[i - 1];
    if (s->nreqs == s->capreqs) {
        size_t cap = s->capreqs ? s->capreqs * 2 : 16;
        verify_request *n = realloc(s->reqs, cap * sizeof(*n));
        if (!n) {
            s->oom = 1;
            return NULL;
        }
        s->reqs = n;
        s->capreqs = cap;
    }
    verify_request *r = &s->reqs[s->nreqs++];
    memset(r, 0, sizeof(*r));
    r->rid = rid;
    return r;
}

/* verify_record - one chain record into the state */
static int verify_record(const audit_record *r, void *arg)
{
    verify_state *s = arg;
    char norm[VAULT_ID_SIZE], tok[32];
    if (vault_id_parse(r->id, norm) < 0)
        return 0;
    const char *a = r->action;
    if (!strcmp(a, "store") || !strcmp(a, "store-failed") || !strcmp(a, "purge") ||
        !strcmp(a, "purge-failed") || !strcmp(a, "release") || !strcmp(a, "release-failed")) {
        verify_item *it = verify_item_of(s, norm);
        if (!it)
            return -1;
        if (!strcmp(a, "store")) {
            it->stored = 1;
            verify_token(r->detail, "sha256", it->sha256, sizeof(it->sha256));
            verify_token(r->detail, "virus", it->virus, sizeof(it->virus));
        } else if (!strcmp(a, "store-failed")) {
            it->stored = 0;
        } else if (!strcmp(a, "purge")) {
            it->purged = 1;
        } else if (!strcmp(a, "purge-failed")) {
            it->purged = 0;
        } else {
            it->releases++;
        }
    } else if (!strcmp(a, "request") || !strcmp(a, "request-failed") || !strcmp(a, "approve") ||
               !strcmp(a, "deny") || !strcmp(a, "approve-failed") || !strcmp(a, "deny-failed")) {
        verify_token(r->detail, "request", tok, sizeof(tok));
        long long rid = strtoll(tok, NULL, 10);
        if (rid <= 0)
            return 0;
        verify_request *q = verify_request_of(s, rid);
        if (!q)
            return -1;
        snprintf(q->id, sizeof(q->id), "%s", norm);
        if (!strcmp(a, "request-failed"))
            q->rid = -rid;	/* never made */
        else if (!strcmp(a, "approve") || !strcmp(a, "deny"))
            snprintf(q->decision, sizeof(q->decision), "%s", a);
        else if (strcmp(a, "request") != 0)
            q->decision[0] = 0;	/* the decision did not take */
    }
    return 0;
}

/* verify_query - run sql with id or rid bound; *found, and text columns 0 and 1 copied */
static int verify_query(vault *v, const char *sql, const char *id, long long rid, int *found,
                        char *c0, size_t l0, char *c1, size_t l1)
{
    sqlite3_stmt *st = NULL;
    *found = 0;
    int src = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
    if (src == SQLITE_OK)
        src = id ? sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) : sqlite3_bind_int64(st, 1, rid);
    if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *a = sqlite3_column_text(st, 0);
        const unsigned char *b = sqlite3_column_count(st) > 1 ? sqlite3_column_text(st, 1) : NULL;
        if (c0)
            snprintf(c0, l0, "%s", a ? (const char *)a : "");
        if (c1)
            snprintf(c1, l1, "%s", b ? (const char *)b : "");
        *found = 1;
        src = SQLITE_OK;
    } else if (src == SQLITE_DONE) {
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return src == SQLITE_OK ? 0 : vault_sql(v, src, "verify");
}

/* verify_chain_side - everything the chain says is in the index; 0, 1 (what), or <0 */
static int verify_chain_side(vault *v, verify_state *s, char *what, size_t len)
{
    char sha[65], virus[VERIFY_VIRUS_SIZE], n[32], state[16];
    int found, rc;
    for (size_t i = 0; i < s->nitems; i++) {
        verify_item *it = &s->items[i];
        if (it->stored && !it->purged) {
            if ((rc = verify_query(v, "SELECT sha256, coalesce(virus, '') FROM items WHERE id = ?1",
                                   it->id, 0, &found, sha, sizeof(sha), virus, sizeof(virus))) < 0)
                return rc;
            if (!found)
                return snprintf(what, len, "item %s is in the audit chain but not in the index, "
                                "with no purge recorded: its row was deleted", it->id), 1;
            if (strcmp(sha, it->sha256) != 0)
                return snprintf(what, len, "item %s: the index says SHA-256 %s, the audit chain "
                                "%s: altered", it->id, sha, it->sha256), 1;
            if (strcmp(virus, it->virus) != 0)
                return snprintf(what, len, "item %s: the index says virus '%s', the audit chain "
                                "'%s': the virus flag was changed", it->id, virus, it->virus), 1;
        }
        if (it->purged) {
            if ((rc = verify_query(v, "SELECT id FROM purges WHERE id = ?1", it->id, 0, &found,
                                   NULL, 0, NULL, 0)) < 0)
                return rc;
            if (!found)
                return snprintf(what, len, "item %s was purged (audit chain) but its disposal "
                                "record is missing from the index", it->id), 1;
        }
        if ((rc = verify_query(v, "SELECT count(*) FROM releases WHERE id = ?1", it->id, 0,
                               &found, n, sizeof(n), NULL, 0)) < 0)
            return rc;
        if (strtoll(n, NULL, 10) != it->releases)
            return snprintf(what, len, "item %s: the audit chain records %lld release "
                            "attempt(s), the index %s: releases rows were deleted or added",
                            it->id, it->releases, n), 1;
    }
    for (size_t i = 0; i < s->nreqs; i++) {
        verify_request *q = &s->reqs[i];
        if (q->rid <= 0)
            continue;
        if ((rc = verify_query(v, "SELECT state, id FROM requests WHERE rid = ?1", NULL, q->rid,
                               &found, state, sizeof(state), sha, sizeof(sha))) < 0)
            return rc;
        if (!found)
            return snprintf(what, len, "release request %lld (%s) is in the audit chain but "
                            "not in the index: deleted", q->rid, q->id), 1;
        int decided = strcmp(state, "pending") != 0;
        int denied = strcmp(state, "denied") == 0;
        if (strcmp(sha, q->id) != 0 || decided != (q->decision[0] != 0) ||
            (decided && denied != (strcmp(q->decision, "deny") == 0)))
            return snprintf(what, len, "release request %lld (%s): the index says %s, the "
                            "audit chain %s: altered", q->rid, q->id, state,
                            q->decision[0] ? q->decision : "pending"), 1;
    }
    return 0;
}

/* verify_index_side - every row of the index is known to the chain; 0, 1 (what), or <0 */
static int verify_index_side(vault *v, verify_state *s, char *what, size_t len)
{
    static const char *const sql[] = {
        "SELECT id, 0 FROM items", "SELECT id, 1 FROM purges", "SELECT rid, id FROM requests",
    };
    for (size_t k = 0; k < sizeof(sql) / sizeof(sql[0]); k++) {
        sqlite3_stmt *st = NULL;
        int src = sqlite3_prepare_v2(v->db, sql[k], -1, &st, NULL), bad = 0;
        while (!bad && src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
            src = SQLITE_OK;
            if (k < 2) {
                const char *id = (const char *)sqlite3_column_text(st, 0);
                verify_item *it = verify_find(s, id ? id : "");
                int known = it && (k == 0 ? it->stored && !it->purged : it->purged);
                if (!known) {
                    snprintf(what, len, "%s %s is in the index but %s in the audit chain",
                             k == 0 ? "item" : "disposal record of", id ? id : "",
                             k == 0 ? "its store is not (or it was purged)" : "no purge is");
                    bad = 1;
                }
            } else {
                long long rid = sqlite3_column_int64(st, 0);
                size_t i = 0;
                while (i < s->nreqs && s->reqs[i].rid != rid)
                    i++;
                if (i == s->nreqs) {
                    snprintf(what, len, "release request %lld is in the index but not in the "
                             "audit chain", rid);
                    bad = 1;
                }
            }
        }
        sqlite3_finalize(st);
        if (bad)
            return 1;
        if (src != SQLITE_DONE && src != SQLITE_OK)
            return vault_sql(v, src, "verify");
    }
    return 0;
}

/* vault_verify_index - the index against the chain */
int vault_verify_index(vault *v, char *what, size_t whatlen)
{
    verify_state s = { 0 };
    what[0] = 0;
    pthread_mutex_lock(&v->lock);
    int rc = audit_walk(v->audit_path, verify_record, &s);
    if (rc != 0 || s.oom)
        rc = vault_set_error(v, s.oom ? VAULT_ENOMEM : VAULT_EFAIL, "audit log %s cannot be "
                             "read", v->audit_path);
    if (rc == 0)
        rc = verify_chain_side(v, &s, what, whatlen);
    if (rc == 0)
        rc = verify_index_side(v, &s, what, whatlen);
    if (rc == 0)
        snprintf(what, whatlen, "index agrees with the audit chain (%zu items, %zu requests)",
                 s.nitems, s.nreqs);
    pthread_mutex_unlock(&v->lock);
    free(s.items);
    free(s.slots);
    free(s.reqs);
    return rc;
}
