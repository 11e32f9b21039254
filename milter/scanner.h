/*
 * NAME
 *	scanner - the virus signatures over the daemon's life
 * DESCRIPTION
 *	At start and on every reload the signatures of the snapshot's [scan]
 *	settings are loaded if they changed, and a database that is missing
 *	or too old is logged loudly ("VIRUS SCANNER UNAVAILABLE"): the daemon
 *	keeps running and the engine answers mail per on_no_database. A
 *	watcher thread then looks for new signatures every
 *	database_check_interval and swaps them in (sanitizer/scan.h). The
 *	watcher reads its settings from a snapshot it holds a reference to;
 *	a reload stops it before that reference is dropped and starts it
 *	again with the new snapshot.
 */
#ifndef MUGAI_SCANNER_H
#define MUGAI_SCANNER_H

#include "milter/snapshot.h"

/* scanner_check - load the signatures for s if needed; 0 if usable, else -1 (logged) */
int scanner_check(const snapshot *s);

/* scanner_watch - (re)start the watcher with s's settings; 0, or -1 if it cannot start */
int scanner_watch(snapshot *s);

/* scanner_watching - 1 while a watcher runs */
int scanner_watching(void);

/* scanner_stop - at exit: stop the watcher, drop its snapshot and the current engine */
void scanner_stop(void);

#endif
