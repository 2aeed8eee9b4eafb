/* test_bundle over vm/bundle_load.c's portable string path (ascii_move and
   ascii_tail without SSE2), which other architectures run: the Makefile
   links a copy of the loader built with POL_BUNDLE_LOAD_SCALAR ahead of
   libpolvm.a, so every load in these tests goes through it. */
#include "test_bundle.c"
