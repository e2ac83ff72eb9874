/* util_limits.h — every limit on what the program takes in, each with the
 * reason for its value, grouped by stage (like SQLite's sqliteLimit.h).
 * An input past one is refused with a message, never truncated silently
 * or allowed to cost unbounded time or memory. Array sizes purely internal
 * to one file stay in that file; nothing here is defined anywhere else.
 * (Not "limits.h": with -Isrc that name would shadow the C library's
 * <limits.h> for the unit tests, the bench and the fuzzers.) */
#ifndef DANGAN_LIMITS_H
#define DANGAN_LIMITS_H

/* ---- the clock (cmd_cli.c) ---- */
/* 9999-12-31T23:59:59Z: PDF and XMP dates have four-digit years. */
#define MAX_SOURCE_DATE_EPOCH 253402300799LL

#endif
