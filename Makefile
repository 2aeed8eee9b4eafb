# polc/polvm -- a language for medical-necessity policies.
#
#   make demo      build, compile policies/, trace an example case
#   make test      build and run every test suite (tests/suites/, one line
#                  each and the total); SUITE=NAME[,NAME] runs only those
#   make golden-update  rewrite the goldens from the current output
#   make check     the whole test suite under ASan + UBSan
#   make bench     throughput and latency benchmarks
#   make valgrind  polc and polvm over policies/ and examples/ under valgrind
#   make fuzz      libFuzzer targets (FUZZ_SECONDS=N each)
#   make fuzz-diff random policies: VM vs the reference evaluator on millions
#                  of lines, soundness by completion (FUZZ_DIFF_SEEDS=A-B)
#   make format    rewrite every .pol in the canonical layout (polc fmt)
#   make format-check   fail if a .pol is not in it (also part of make test)
#   make install   PREFIX=/usr/local DESTDIR=  (binaries, libpolvm and its
#                  header and polvm.pc, stdlib, man pages; LIBDIR, INCLUDEDIR)
#
#   SHARED_DEPS=1  link polvm's jansson, libsodium, nettle and libffi as
#                  shared libraries (static by default: docs/security.md,
#                  "Linking")
#
# Out-of-tree build into $(B)/.  Missing Debian packages are installed by
# tools/deps.sh when run as root, or named.

B       ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc

WARN    = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wformat=2 -Wimplicit-fallthrough -Wvla
CFLAGS  ?= -O2 -g
ifdef CI
WERROR  = -Werror
endif
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(WERROR) $(CFLAGS) $(SANFLAGS) -MMD -MP \
             -DPOL_STDLIB_DIR='"$(PREFIX)/share/polc/stdlib"'
GEN_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall $(CFLAGS) $(SANFLAGS) -MMD -MP -I compiler -I vm
LDLIBS  = -ljansson -lsodium -lnettle -lffi -ldl -lm -lpthread
# polvm serve, replay and metrics (cli/polvm_serve.c, cli/declog.c): only
# the polvm executable and what links its objects
SERVE_LIBS = -lmicrohttpd -lsqlite3 -lpthread
# ... except polvm itself, which loads them only for the commands that use
# them (cli/lazylib.c, docs/performance.md "Start-up"): by the sonames the
# linker would record for -lmicrohttpd and -lsqlite3 (the Debian ones if
# objdump cannot tell)
lib_soname = $(shell objdump -p "$$($(CC) -print-file-name=$(1))" 2>/dev/null | awk '$$1 == "SONAME" { print $$2 }')
LAZY_MHD_SONAME := $(or $(call lib_soname,libmicrohttpd.so),libmicrohttpd.so.12)
LAZY_SQLITE_SONAME := $(or $(call lib_soname,libsqlite3.so),libsqlite3.so.0)

VM_SRC   = vm/decimal.c vm/value.c vm/program.c vm/bundle_write.c vm/bundle_load.c vm/bundle_sign.c vm/verify.c \
           vm/case.c vm/exec.c vm/witness.c vm/ffi.c vm/trace.c vm/auth.c vm/output.c vm/api.c vm/suggest.c vm/util.c \
           vm/codes.c vm/notice.c vm/fhir_out.c vm/fhir_in.c vm/jread.c vm/jleaf.c vm/fhir_fast.c vm/fhir_tape.c vm/frag.c vm/lean.c vm/lean_opt.c vm/sha256.c
COMP_SRC = compiler/ast.c compiler/diag.c compiler/parse.c compiler/check.c \
           compiler/codegen.c compiler/compile.c compiler/interp.c compiler/valueset.c compiler/doc.c
GEN_SRC  = $(B)/gen/parser.c $(B)/gen/lexer.c

VM_OBJ   = $(VM_SRC:%.c=$(B)/%.o)
COMP_OBJ = $(COMP_SRC:%.c=$(B)/%.o) $(GEN_SRC:.c=.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

POLC  = $(B)/polc
POLVM = $(B)/polvm
BUNDLE = $(B)/policies.polb
POLICIES = $(wildcard policies/*.pol)
EXT_LIB = $(B)/libpolext_codes.so

.PHONY: all deps test check valgrind bench fuzz fuzz-build fuzz-diff format format-check install clean demo unit golden-update docs-tables

all: $(B)/.deps $(POLC) $(POLVM) $(BUNDLE) $(EXT_LIB)

$(B)/.deps: tools/deps.sh
	@mkdir -p $(B)
	@sh tools/deps.sh
	@touch $@

deps:
	@sh tools/deps.sh --extra

# ---- generated scanner and parser -------------------------------------
$(B)/gen/parser.c $(B)/gen/parser.h &: compiler/parser.y | $(B)/.deps
	@mkdir -p $(B)/gen
	bison -Wall --header=$(B)/gen/parser.h -o $(B)/gen/parser.c $<

$(B)/gen/lexer.c $(B)/gen/lexer.h &: compiler/lexer.l $(B)/gen/parser.h
	@mkdir -p $(B)/gen
	flex --header-file=$(B)/gen/lexer.h -o $(B)/gen/lexer.c $<

$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(GEN_CFLAGS) -I $(B)/gen -c -o $@ $<

$(B)/compiler/parse.o: $(B)/gen/parser.h $(B)/gen/lexer.h

# ---- objects ----------------------------------------------------------
$(B)/%.o: %.c | $(B)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I $(B)/gen -c -o $@ $<

# rebuilt from scratch: `ar r` would keep the member of a renamed or
# removed source (a stale vm/fhir.o after the reader became vm/fhir_in.c)
$(B)/libpolvm.a: $(VM_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/libpolc.a: $(COMP_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# the command-line programs (cli/): one file per command on the libraries
POLC_SRC  = cli/polc.c cli/polc_keygen.c cli/polc_fmt.c cli/polc_doc.c cli/polc_questionnaire.c cli/opts.c compiler/fmt.c compiler/questionnaire.c
POLVM_SRC = cli/polvm.c cli/cli.c cli/case_keys.c cli/opts.c cli/polvm_trace.c cli/polvm_eval.c cli/polvm_verify.c \
            cli/polvm_test.c cli/polvm_diff.c cli/polvm_case_to_fhir.c cli/polvm_serve.c cli/serve.c cli/cds.c cli/declog.c \
            cli/polvm_replay.c cli/polvm_metrics.c

$(POLC): $(POLC_SRC:%.c=$(B)/%.o) $(B)/libpolc.a $(B)/libpolvm.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LDLIBS)

# polvm links jansson, libsodium, nettle and libffi statically: loading
# and relocating them cost a quarter of a millisecond at every start
# (docs/performance.md, "Start-up"; the security side in docs/security.md,
# "Linking").  Their archives are prerequisites, so that `make` relinks
# polvm after a Debian update of one of them; SHARED_DEPS=1 links them
# as shared libraries instead.
DEP_NAMES = jansson sodium nettle ffi
ifdef SHARED_DEPS
POLVM_LIBS = $(LDLIBS)
DEP_ARCHIVES =
else
POLVM_LIBS = -Wl,-Bstatic $(DEP_NAMES:%=-l%) -Wl,-Bdynamic -ldl -lm -lpthread
DEP_ARCHIVES := $(wildcard $(foreach l,$(DEP_NAMES),$(shell $(CC) -print-file-name=lib$(l).a)))
endif

$(POLVM): $(POLVM_SRC:%.c=$(B)/%.o) $(B)/cli/lazylib.o $(B)/libpolvm.a $(DEP_ARCHIVES)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $(filter-out $(DEP_ARCHIVES),$^) $(POLVM_LIBS)

$(B)/cli/lazylib.o: ALL_CFLAGS += -DLAZY_MHD_SONAME='"$(LAZY_MHD_SONAME)"' -DLAZY_SQLITE_SONAME='"$(LAZY_SQLITE_SONAME)"'

# ---- the public library: vm/polvm.h, docs/embedding.md ------------------
# $(B)/libpolvm.a above is the VM's internal archive, every symbol visible,
# for polc, the tests and the fuzzers.  The libraries `make install` ships
# are built in $(B)/lib/ from position-independent objects ($(B)/pic/)
# compiled with -fvisibility=hidden: the shared one exports polvm_* only
# (vm/libpolvm.map) under the SONAME libpolvm.so.MAJOR; the static one is a
# single object whose hidden symbols were made local, so it too defines
# polvm_* and nothing else.  The version is POLVM_VERSION_STRING in polvm.h.
LIB_VERSION := $(shell sed -n 's/^\#define POLVM_VERSION_STRING "\(.*\)"/\1/p' vm/polvm.h)
LIB_SONAME   = libpolvm.so.$(firstword $(subst ., ,$(LIB_VERSION)))
LIB_SO       = $(B)/lib/libpolvm.so.$(LIB_VERSION)
LIB_A        = $(B)/lib/libpolvm.a
PIC_OBJ      = $(VM_SRC:%.c=$(B)/pic/%.o)
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
# the sanitizers' runtimes come with the executable, not the library
LIB_ZDEFS    = $(if $(SANFLAGS),,-Wl,-z,defs)

all: $(LIB_SO) $(LIB_A)

$(B)/pic/%.o: %.c | $(B)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(LIB_SO): $(PIC_OBJ) vm/libpolvm.map
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -shared -Wl,-soname,$(LIB_SONAME) -Wl,--version-script=vm/libpolvm.map \
	  $(LIB_ZDEFS) -o $@ $(PIC_OBJ) $(LDLIBS)
	ln -sf $(notdir $@) $(B)/lib/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(B)/lib/libpolvm.so

$(LIB_A): $(PIC_OBJ)
	@mkdir -p $(dir $@)
	$(LD) -r -o $(B)/pic/libpolvm.o $(PIC_OBJ)
	objcopy --localize-hidden $(B)/pic/libpolvm.o
	rm -f $@
	$(AR) rcs $@ $(B)/pic/libpolvm.o

$(BUNDLE): $(POLC) $(POLICIES) $(wildcard stdlib/*.pol)
	$(POLC) -o $@ $(POLICIES)

# the example extension: a native code-set look-up called through libffi
$(EXT_LIB): examples/extension/codes.c | $(B)/.deps
	$(CC) $(ALL_CFLAGS) -shared -fPIC -o $@ $<

# ---- tests ------------------------------------------------------------
$(B)/tests/%: tests/unit/%.c $(B)/libpolc.a $(B)/libpolvm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I $(B)/gen -I vm -I compiler -Wno-missing-prototypes -o $@ $(filter %.c %.o %.a,$^) $(LDLIBS) -lcmocka

# vm/fhir_tape.c's portable path, built on x86-64 too, under other names
# (tests/fhir_tape_scalar.h), for test_fhir_tape and fuzz_fhir
FHIR_TAPE_SCALAR = $(B)/tests/fhir_tape_scalar.o
$(FHIR_TAPE_SCALAR): vm/fhir_tape.c | $(B)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DPOL_FHIR_TAPE_SCALAR -Dpol_fhir_tape_new=scalar_tape_new \
	  -Dpol_fhir_tape_free=scalar_tape_free -Dpol_fhir_tape=scalar_tape -Dpol_fhir_tape_next=scalar_tape_next \
	  -c -o $@ $<
$(B)/tests/test_fhir_tape: $(FHIR_TAPE_SCALAR)

# vm/bundle_load.c's portable string path, built on x86-64 too: test_bundle
# again (tests/unit/test_bundle_scalar.c) with this loader linked first
BUNDLE_LOAD_SCALAR = $(B)/tests/bundle_load_scalar.o
$(BUNDLE_LOAD_SCALAR): vm/bundle_load.c | $(B)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DPOL_BUNDLE_LOAD_SCALAR -c -o $@ $<
$(B)/tests/test_bundle_scalar: tests/unit/test_bundle_scalar.c tests/unit/test_bundle.c $(BUNDLE_LOAD_SCALAR) $(B)/libpolc.a $(B)/libpolvm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I $(B)/gen -I vm -I compiler -Wno-missing-prototypes -o $@ $< $(BUNDLE_LOAD_SCALAR) $(B)/libpolc.a $(B)/libpolvm.a $(LDLIBS) -lcmocka

# the AST reference evaluator against the VM (tests/suites/interp_diff.sh)
INTERP_DIFF = $(B)/tests/interp_diff
all: $(INTERP_DIFF)
$(INTERP_DIFF): tests/interp_diff.c $(B)/libpolc.a $(B)/libpolvm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I $(B)/gen -I vm -I compiler -o $@ $(filter %.c %.a,$^) $(LDLIBS)

# `make test` runs every suite of tests/suites/ (tests/run.sh); with
# SUITE=NAME[,NAME...] only those, building only what they need: the unit
# binaries for `unit`, everything else for any other suite.
comma := ,
SUITES = $(subst $(comma), ,$(SUITE))
TEST_NEEDS = $(if $(SUITES),$(if $(filter unit,$(SUITES)),$(UNIT_BIN)) \
               $(if $(filter-out unit,$(SUITES)),all $(INTERP_DIFF)),all $(UNIT_BIN) $(INTERP_DIFF))
test: $(TEST_NEEDS)
	@SUITE='$(SUITE)' sh tests/run.sh $(B)

# the tables of docs/bundle-format.md from the .def lists (tools/doc_tables.c);
# `make docs-tables` rewrites them, tests/suites/docs_tables.sh checks them
DOC_TABLES = $(B)/tools/doc_tables
all: $(DOC_TABLES)
$(DOC_TABLES): tools/doc_tables.c | $(B)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I vm -o $@ $<

docs-tables: $(DOC_TABLES)
	$(DOC_TABLES) < docs/bundle-format.md > $(B)/bundle-format.md.new
	mv $(B)/bundle-format.md.new docs/bundle-format.md

# the regression inputs of the structure-aware fuzz targets, replayed
# without libFuzzer by tests/suites/fuzz_regress.sh (make test, check, valgrind)
FUZZ_REPLAY = $(B)/tests/replay_fuzz_program $(B)/tests/replay_fuzz_eval $(B)/tests/replay_fuzz_fhir \
              $(B)/tests/replay_fuzz_jread $(B)/tests/replay_fuzz_serve
all: $(FUZZ_REPLAY)
$(B)/tests/replay_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c tests/fuzz/fuzz.h \
                          $(B)/libpolc.a $(B)/libpolvm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I $(B)/gen -I vm -I compiler -I cli -DPOL_FUZZ_ROOT='"$(CURDIR)"' \
	  -o $@ $(filter %.c %.o,$^) $(filter %.a,$^) $(LDLIBS) $(SERVE_LIBS)
# fuzz_eval runs polvm's own `polvm eval`: polvm.c built with main renamed polvm_entry
POLVM_AS_LIB = $(B)/cli/polvm_as_lib.o $(B)/cli/lazylib.o $(patsubst %.c,$(B)/%.o,$(filter-out cli/polvm.c,$(POLVM_SRC)))
$(B)/cli/polvm_as_lib.o: cli/polvm.c | $(B)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Dmain=polvm_entry -Dpol_close_stdout=polvm_entry_flush -Wno-missing-prototypes -I $(B)/gen -I compiler -I vm -c -o $@ $<
$(B)/tests/replay_fuzz_eval: $(POLVM_AS_LIB)
$(B)/tests/replay_fuzz_fhir: $(FHIR_TAPE_SCALAR)
# fuzz_serve calls polvm serve's request handler (cli/serve.c) directly
SERVE_OBJ = $(patsubst %.c,$(B)/%.o,cli/serve.c cli/cds.c cli/declog.c cli/cli.c cli/case_keys.c cli/opts.c)
$(B)/tests/replay_fuzz_serve: $(SERVE_OBJ)

unit:
	@$(MAKE) --no-print-directory test SUITE=unit

# the suites that keep goldens, rewritten from the current output: check
# every diff (git diff tests/) before committing it
GOLDEN_SUITES = golden,diagnostics,fmt,doc,notice,fhir_out
golden-update: all
	@UPDATE_GOLDEN=1 SUITE=$(GOLDEN_SUITES) sh tests/run.sh $(B)

check:
	$(MAKE) B=build-asan SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" CFLAGS="-O1 -g" test

# polc over policies/, polvm trace / eval / verify over the examples and the
# hostile inputs, all under valgrind: no errors, no definite or indirect leaks
valgrind: all $(B)/tests/test_api
	@sh tests/valgrind.sh $(B)

# ---- fuzzing: libFuzzer targets (tests/fuzz/) ---------------------------
# `make fuzz FUZZ_SECONDS=N` builds the library again with clang into
# build-fuzz/ (coverage + ASan + UBSan) and runs each target N seconds.
FUZZ_B       = build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = fuzz_compile fuzz_bundle fuzz_case fuzz_program fuzz_eval fuzz_fhir fuzz_jread fuzz_serve
# UBSan findings are recoverable so that tests/fuzz/ubsan.supp can hold the
# known ones; halt_on_error=1 (tests/fuzz/run.sh) stops at any other.
FUZZ_SAN     = -fsanitize=address,undefined -fno-omit-frame-pointer

fuzz: all
	@command -v clang >/dev/null || { echo "fuzz: needs clang and libclang-rt-14-dev (make deps)" >&2; exit 1; }
	$(MAKE) B=$(FUZZ_B) CC=clang WERROR= CFLAGS="-O1 -g" \
	  SANFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS)

# (internal: `make fuzz` calls it with B=build-fuzz CC=clang)
fuzz-build: $(FUZZ_TARGETS:%=$(B)/%)

$(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(B)/libpolc.a $(B)/libpolvm.a
	$(CC) $(ALL_CFLAGS) -I $(B)/gen -I vm -I compiler -I cli -DPOL_FUZZ_ROOT='"$(CURDIR)"' \
	  -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $(filter %.c %.o,$^) $(filter %.a,$^) $(LDLIBS) $(SERVE_LIBS)

$(B)/fuzz_eval: $(POLVM_AS_LIB)
$(B)/fuzz_serve: $(SERVE_OBJ)
$(B)/fuzz_fhir: $(FHIR_TAPE_SCALAR)

# ---- random policies, the long run (tests/gen/, docs/testing.md) ----------
# `make test` runs 40 seeds (tests/suites/random_diff.sh); this runs
# FUZZ_DIFF_SEEDS seeds of FUZZ_DIFF_CASES cases each through interp_diff
# (2000 x 1000 cases: about 4 million request lines) and
# FUZZ_DIFF_COMPLETION_SEEDS seeds of bases and completions, the known-open
# classes included (reported apart).  A failing seed prints the command
# that re-runs it alone.
FUZZ_DIFF_SEEDS            ?= 1000-2999
FUZZ_DIFF_CASES            ?= 1000
FUZZ_DIFF_COMPLETION_SEEDS ?= 1000-1399

fuzz-diff: all $(INTERP_DIFF)
	python3 tests/gen/diffrun.py --build $(B) --open --report \
	  --seeds $(FUZZ_DIFF_SEEDS) --cases $(FUZZ_DIFF_CASES) \
	  --completion-seeds $(FUZZ_DIFF_COMPLETION_SEEDS) --completion-cases 60

# the canonical layout of every .pol source (polc fmt; the list: tools/pol-files.sh)
format: $(POLC)
	$(POLC) fmt -w $(shell sh tools/pol-files.sh)

format-check: $(POLC)
	@$(POLC) fmt --check $(shell sh tools/pol-files.sh) || { echo "not formatted: run 'make format'" >&2; exit 1; }

bench: all
	@sh tests/bench/run.sh $(B)

demo: all
	$(POLVM) trace --bundle $(BUNDLE) examples/caresource-sij/denied-one-injection.json

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/polc/stdlib
	install -m 755 $(POLC) $(POLVM) $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)
	install -m 644 vm/polvm.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(LIB_SO)) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libpolvm.so
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(LIB_VERSION)|' \
	  vm/polvm.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/polvm.pc
	chmod 644 $(DESTDIR)$(LIBDIR)/pkgconfig/polvm.pc
	install -m 644 stdlib/*.pol $(DESTDIR)$(PREFIX)/share/polc/stdlib/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/polc.1 docs/polvm.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf $(B) build-asan build-fuzz

-include $(shell find $(B) -name '*.d' 2>/dev/null)

$(B)/compiler/%.o: ALL_CFLAGS += -I compiler
$(B)/cli/%.o: ALL_CFLAGS += -I compiler -I vm
