/*
 * NAME
 *	testutil - small helpers shared by the cmocka unit tests
 */
#ifndef MUGAI_TESTUTIL_H
#define MUGAI_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* testutil_contains - 1 if needle occurs in the first len bytes of hay */
static inline int testutil_contains(const char *hay, size_t len, const char *needle)
{
    return memmem(hay, len, needle, strlen(needle)) != NULL;
}

#endif
