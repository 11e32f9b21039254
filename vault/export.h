/*
 * NAME
 *	export - an item copied out of the vault as evidence (証拠保全)
 * DESCRIPTION
 *	Writes into DIR: ID.eml (the original, byte for byte), ID.json (its
 *	report), ID.sha256 (sha256sum(1) format, so `sha256sum -c` checks
 *	the copy) and ID.manifest.txt (what the index knows, who exported it
 *	and when). The original is checked against its recorded SHA-256
 *	first. Nothing is overwritten: if any of the four names exists, the
 *	export is refused; a failure half-way removes what was written.
 */
#ifndef MUGAI_EXPORT_H
#define MUGAI_EXPORT_H

#include "vault/vault.h"

/* export_item - export item id into dir (created 0700 if missing); 0 or VAULT_E* */
int export_item(vault *v, const char *id, const char *dir);

#endif
