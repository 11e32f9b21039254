/*
 * NAME
 *	vault_id - short vault IDs that a recipient can quote
 * DESCRIPTION
 *	See vault_id.h. Uniqueness is enforced by the index (primary key);
 *	the store retries with a new ID on the rare collision.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include "vault/vault_id.h"

static const char vault_id_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* vault_id_new - date of t, dash, 8 random base-32 characters */
int vault_id_new(time_t t, char id[VAULT_ID_SIZE])
{
    struct tm tm;
    unsigned char rnd[5];
    if (!localtime_r(&t, &tm))
        return -1;
    size_t got = 0;
    while (got < sizeof(rnd)) {
        ssize_t n = getrandom(rnd + got, sizeof(rnd) - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    if (strftime(id, VAULT_ID_SIZE, "%Y%m%d-", &tm) != 9)
        return -1;
    unsigned long long bits = 0;
    for (size_t i = 0; i < sizeof(rnd); i++)
        bits = bits << 8 | rnd[i];
    for (int i = 7; i >= 0; i--) {
        id[9 + i] = vault_id_alphabet[bits & 31];
        bits >>= 5;
    }
    id[17] = 0;
    return 0;
}

/* vault_id_char - the canonical base-32 character for c, or 0 */
static char vault_id_char(int c)
{
    c = toupper(c);
    if (c == 'O')
        return '0';
    if (c == 'I' || c == 'L')
        return '1';
    return (c && strchr(vault_id_alphabet, c)) ? (char)c : 0;
}

/* vault_id_parse - normalise a quoted ID */
int vault_id_parse(const char *in, char id[VAULT_ID_SIZE])
{
    size_t n = 0;
    const char *p = in;
    while (*p == ' ' || *p == '\t')
        p++;
    for (int i = 0; i < 8; i++, p++) {
        if (!isdigit((unsigned char)*p))
            return -1;
        id[n++] = *p;
    }
    id[n++] = '-';
    if (*p == '-')
        p++;
    for (int i = 0; i < 8; i++, p++) {
        char c = vault_id_char((unsigned char)*p);
        if (!c)
            return -1;
        id[n++] = c;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return -1;
    id[n] = 0;
    return 0;
}
