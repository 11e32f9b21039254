/*
 * NAME
 *	scan_config - scan settings from the policy's [scan], [archives] and [types]
 * DESCRIPTION
 *	The policy keeps plain values (policy/ knows nothing of libclamav);
 *	this turns them into the scan_settings the engine takes. The result
 *	borrows the policy's strings: it must not outlive the policy
 *	reference it was made from.
 */
#ifndef MUGAI_SCAN_CONFIG_H
#define MUGAI_SCAN_CONFIG_H

#include "policy/policy.h"
#include "sanitizer/scan.h"

/* scan_config_from_policy - fill *s from p (s->db stays NULL: the process's current engine) */
void scan_config_from_policy(const policy *p, scan_settings *s);

#endif
