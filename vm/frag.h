/*
 * frag.h -- the fragment writer's pre-built pieces of a program
 * (docs/performance.md "The writer"): each string of the program as a
 * quoted, escaped JSON string, built on first use and then copied into
 * the output with one memcpy.
 *
 * Built lazily, once per string, into a table that the program owns
 * (pol_Program.frags, freed by pol_program_free through pol_frags_free).
 * Threads that share a program may write at once: a piece is published
 * with an atomic compare-and-swap, a thread that lost the race frees its
 * copy.  After the first use of each piece nothing allocates.  When memory
 * runs out the piece is written directly instead, byte-identical.
 *
 * Ownership: p is borrowed (only its frags table is written); b is the
 * caller's.
 */
#ifndef POL_FRAG_H
#define POL_FRAG_H

#include "bytecode.h"
#include "util.h"

/* String id of p as pol_buf_json_str writes it. */
void pol_frag_json(pol_Buf *b, const pol_Program *p, uint32_t id);

/* Frees p's table (pol_program_free). */
void pol_frags_free(pol_Program *p);

#endif
