/*
 * NAME
 *	vault_config - the [vault] settings of a policy
 */
#include <string.h>
#include "vault/vault_config.h"

/* vault_config_from_policy - every [vault] key; a missing string keeps its default */
void vault_config_from_policy(const policy *p, vault_config *c)
{
    vault_config_defaults(c);
    if (p->vault_dir)
        c->dir = p->vault_dir;
    if (p->vault_group)
        c->group = p->vault_group;
    if (p->vault_owner)
        c->owner = p->vault_owner;
    if (p->vault_requester_group)
        c->requester_group = p->vault_requester_group;
    if (p->vault_approver_group)
        c->approver_group = p->vault_approver_group;
    if (p->vault_audit_log)
        c->audit_log = p->vault_audit_log;
    c->retention_days = p->vault_retention_days;
    if (p->vault_release_host)
        c->release_host = p->vault_release_host;
    c->release_port = p->vault_release_port;
    c->release_timeout_ms = p->vault_release_timeout_ms;
    if (p->vault_release_tls_cert)
        c->release_tls_cert = p->vault_release_tls_cert;
    if (p->vault_release_tls_key)
        c->release_tls_key = p->vault_release_tls_key;
    if (p->vault_release_tls_ca)
        c->release_tls_ca = p->vault_release_tls_ca;
    c->busy_timeout_ms = p->vault_busy_timeout_ms;
}

/* vault_config_str_same - two optional strings are equal */
static int vault_config_str_same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* vault_config_same - every field equal */
int vault_config_same(const vault_config *a, const vault_config *b)
{
    return vault_config_str_same(a->dir, b->dir) && vault_config_str_same(a->group, b->group) &&
           vault_config_str_same(a->owner, b->owner) &&
           vault_config_str_same(a->requester_group, b->requester_group) &&
           vault_config_str_same(a->approver_group, b->approver_group) &&
           vault_config_str_same(a->audit_log, b->audit_log) &&
           a->retention_days == b->retention_days &&
           vault_config_str_same(a->release_host, b->release_host) &&
           a->release_port == b->release_port &&
           a->release_timeout_ms == b->release_timeout_ms &&
           vault_config_str_same(a->release_tls_cert, b->release_tls_cert) &&
           vault_config_str_same(a->release_tls_key, b->release_tls_key) &&
           vault_config_str_same(a->release_tls_ca, b->release_tls_ca) &&
           a->busy_timeout_ms == b->busy_timeout_ms;
}
