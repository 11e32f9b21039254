/*
 * NAME
 *	scan_config - scan settings from the policy's [scan], [archives] and [types]
 */
#include "sanitizer/scan_config.h"

_Static_assert(POLICY_TYPE_CLASSES == TYPERULES_NCLASSES,
               "policy [types] keys and typerules classes differ");
_Static_assert(TYPERULES_KEEP == 0 && TYPERULES_REMOVE == 1 && TYPERULES_QUARANTINE == 2,
               "policy action values and typerules actions differ");

/* scan_config_from_policy - fill *s from p */
void scan_config_from_policy(const policy *p, scan_settings *s)
{
    scan_settings_init(s);
    s->av = p->scan_scanner ? SCAN_AV_CLAMD : SCAN_AV_LIBCLAMAV;
    s->clamd_socket = p->scan_clamd_socket;
    s->database_dir = p->scan_database_dir;
    s->tmpdir = p->scan_temp_dir && *p->scan_temp_dir ? p->scan_temp_dir : p->spool_dir;
    s->max_db_age_s = (unsigned)(p->scan_max_database_age_ms / 1000);
    s->on_virus = p->scan_on_virus ? SCAN_ON_VIRUS_QUARANTINE : SCAN_ON_VIRUS_REJECT;
    s->on_no_database = p->scan_on_no_database ? SCAN_ON_NODB_REJECT : SCAN_ON_NODB_TEMPFAIL;
    s->max_scan_size = p->scan_max_scan_size;
    s->max_file_size = p->scan_max_file_size;
    s->max_recursion = p->scan_max_recursion;
    s->max_files = p->scan_max_files;
    s->max_scan_time_ms = p->scan_max_scan_time_ms;
    s->archives.max_depth = p->archive_max_depth;
    s->archives.max_members = p->archive_max_members;
    s->archives.max_total = p->archive_max_total_size;
    s->archives.max_member_size = p->archive_max_member_size;
    s->archives.max_ratio = p->archive_max_ratio;
    for (int i = 0; i < TYPERULES_NCLASSES; i++)
        s->rules.action[i] = (typerules_action)p->type_action[i];
    s->rules.spoofed = (typerules_action)p->type_spoofed;
    s->rules.archive_limit = p->archive_on_limit ? TYPERULES_QUARANTINE : TYPERULES_REMOVE;
}
