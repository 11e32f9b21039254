/*
 * NAME
 *	vault_id - short vault IDs that a recipient can quote
 * DESCRIPTION
 *	"YYYYMMDD-XXXXXXXX": the receiving day (local time) then 40 random
 *	bits in Crockford base 32 (digits and upper-case letters without
 *	I, L, O, U), so an ID read aloud or retyped is unambiguous. Parsing
 *	accepts lower case, a missing dash, and O/I/L for 0/1/1.
 */
#ifndef MUGAI_VAULT_ID_H
#define MUGAI_VAULT_ID_H

#include <time.h>
#include "vault/vault.h"

/* vault_id_new - a new random ID for a mail received at t; 0 or -1 */
int vault_id_new(time_t t, char id[VAULT_ID_SIZE]);

/* vault_id_parse - normalise a quoted ID; 0, or -1 when it is not one */
int vault_id_parse(const char *in, char id[VAULT_ID_SIZE]);

#endif
