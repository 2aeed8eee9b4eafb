# polc/polvm -- a language for medical-necessity policies.
#
#   make demo      build, compile policies/, trace an example case
#   make test      build and run every test
#   make check     the whole test suite under ASan + UBSan
#   make bench     throughput and latency benchmarks
#   make fuzz      libFuzzer targets (FUZZ_SECONDS=N each)
#   make install   PREFIX=/usr/local DESTDIR=
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
LDLIBS  = -ljansson -lsodium -lffi -ldl -lm

VM_SRC   = vm/value.c vm/program.c vm/bundle_write.c vm/bundle_load.c vm/verify.c \
           vm/case.c vm/exec.c vm/ffi.c vm/trace.c
COMP_SRC = compiler/ast.c compiler/diag.c compiler/parse.c compiler/check.c \
           compiler/codegen.c compiler/interp.c
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

.PHONY: all deps test check bench fuzz format format-check install clean demo unit golden

all: $(B)/.deps $(POLC) $(POLVM) $(BUNDLE) $(EXT_LIB)

$(B)/.deps: tools/deps.sh
	@mkdir -p $(B)
	@sh tools/deps.sh
	@touch $@

deps:
	@sh tools/deps.sh --extra

# ---- generated scanner and parser -------------------------------------
$(B)/gen/parser.c $(B)/gen/parser.h: compiler/parser.y | $(B)/.deps
	@mkdir -p $(B)/gen
	bison -Wall --header=$(B)/gen/parser.h -o $(B)/gen/parser.c $<

$(B)/gen/lexer.c $(B)/gen/lexer.h: compiler/lexer.l $(B)/gen/parser.h
	@mkdir -p $(B)/gen
	flex --header-file=$(B)/gen/lexer.h -o $(B)/gen/lexer.c $<

$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(GEN_CFLAGS) -I $(B)/gen -c -o $@ $<

$(B)/compiler/parse.o: $(B)/gen/parser.h $(B)/gen/lexer.h

# ---- objects ----------------------------------------------------------
$(B)/%.o: %.c | $(B)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I $(B)/gen -c -o $@ $<

$(B)/libpolvm.a: $(VM_OBJ)
	$(AR) rcs $@ $^

$(B)/libpolc.a: $(COMP_OBJ)
	$(AR) rcs $@ $^

$(POLC): $(B)/compiler/polc.o $(B)/libpolc.a $(B)/libpolvm.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(POLVM): $(B)/vm/polvm.o $(B)/libpolvm.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(BUNDLE): $(POLC) $(POLICIES) $(wildcard stdlib/*.pol)
	$(POLC) -o $@ $(POLICIES)

# the example extension: a native code-set look-up called through libffi
$(EXT_LIB): examples/extension/codes.c | $(B)/.deps
	$(CC) $(ALL_CFLAGS) -shared -fPIC -o $@ $<

# ---- tests ------------------------------------------------------------
$(B)/tests/%: tests/unit/%.c $(B)/libpolc.a $(B)/libpolvm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I $(B)/gen -I vm -I compiler -Wno-missing-prototypes -o $@ $(filter %.c %.a,$^) $(LDLIBS) -lcmocka

# the AST reference evaluator against the VM (tests/run.sh, section 4)
INTERP_DIFF = $(B)/tests/interp_diff
all: $(INTERP_DIFF)
$(INTERP_DIFF): tests/interp_diff.c $(B)/libpolc.a $(B)/libpolvm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I $(B)/gen -I vm -I compiler -o $@ $(filter %.c %.a,$^) $(LDLIBS)

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do $$t || fail=1; done; exit $$fail

test: all unit $(INTERP_DIFF)
	@sh tests/run.sh $(B)

check:
	$(MAKE) B=build-asan SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" CFLAGS="-O1 -g" test

bench: all
	@sh tests/bench/run.sh $(B)

demo: all
	$(POLVM) trace --bundle $(BUNDLE) examples/caresource-sij/denied-one-injection.json

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/polc/stdlib
	install -m 755 $(POLC) $(POLVM) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 stdlib/*.pol $(DESTDIR)$(PREFIX)/share/polc/stdlib/

clean:
	rm -rf $(B) build-asan build-fuzz

-include $(shell find $(B) -name '*.d' 2>/dev/null)

$(B)/compiler/%.o: ALL_CFLAGS += -I compiler
