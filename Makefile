# mugai - mail sanitization gateway.  See README.md.
#
#   make run      install what is missing, build, start the demo gateway
#   make stop     stop the demo gateway
#   make check    install what is missing, build, run every test
#   make bench    engine and SMTP (gateway with/without milter) benchmarks
#   make fuzz     libFuzzer targets (clang)
#   make install  install under PREFIX

PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR    ?=
CC         ?= cc
BUILD      ?= build

PKGS     := gmime-3.0 libxml-2.0 libzip uchardet inih libssl libcrypto libclamav libarchive sqlite3
# What installs the packages; every compile waits for it (order-only
# prerequisite "deps" of each object), so the first build on a bare
# machine works. The tests replace it to prove that order.
DEPS_CMD ?= sh tools/deps.sh
# The flags are asked of pkg-config when a recipe first needs them, i.e.
# after deps has run, and then kept for the rest of this make: never when
# the Makefile is read, when the packages may not be installed yet.
# $(call once,VAR,COMMAND) must be the whole value of VAR.
once = $(eval $1 := $$(shell $2))$($1)
# Third-party headers are system headers: our -Werror is for our code.
PKG_CFLAGS = $(call once,PKG_CFLAGS,pkg-config --cflags $(PKGS) 2>/dev/null | sed 's/-I/-isystem /g')
PKG_LIBS_PC = $(call once,PKG_LIBS_PC,pkg-config --libs $(PKGS) 2>/dev/null)
PKG_LIBS   = $(PKG_LIBS_PC) -lmagic -lpthread
CMOCKA_LIBS = $(call once,CMOCKA_LIBS,pkg-config --libs cmocka 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wpointer-arith \
            -Wstrict-prototypes -Wmissing-prototypes -Wvla
HARDEN   := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -fno-strict-aliasing
OPT      ?= -O2 -g
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -DSYSCONFDIR='"$(SYSCONFDIR)"' -I. $(WARN) $(OPT) $(HARDEN) $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL := -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(LDFLAGS)

LIB_SRC  := $(wildcard sanitizer/*.c policy/*.c vault/*.c)
CLI_SRC  := $(wildcard cli/*.c)
MILTER_SRC := $(wildcard milter/*.c)
MILTER_OBJ := $(MILTER_SRC:%.c=$(BUILD)/%.o)
# main.c and shim.c (the libmilter calls) stay out of the library the
# unit tests link, which put tests/fakes/shim_fake.c in place of shim.c;
# null_main.c is the bench's do-nothing milter
MILTER_CORE_OBJ := $(filter-out $(BUILD)/milter/main.o $(BUILD)/milter/shim.o \
    $(BUILD)/milter/null_main.o,$(MILTER_OBJ))
MILTER_LIBS := -lmilter
TEST_SRC := $(wildcard tests/unit/test_*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps run stop check check-unit check-golden check-asan check-fuzz \
        check-milter check-postfix check-cli bench bench-smtp fuzz install clean

all: $(BUILD)/mugai $(BUILD)/mugai-milter

deps:
	@$(DEPS_CMD)

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(BUILD)/libmugai.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/mugai: $(CLI_OBJ) $(BUILD)/libmugai.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(BUILD)/libmugai.a $(PKG_LIBS)

$(BUILD)/libmugai-milter.a: $(MILTER_CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/mugai-milter: $(BUILD)/milter/main.o $(BUILD)/milter/shim.o $(BUILD)/libmugai-milter.a $(BUILD)/libmugai.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS) $(MILTER_LIBS)

$(BUILD)/mugai-null-milter: $(BUILD)/milter/null_main.o $(BUILD)/milter/shim.o
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(MILTER_LIBS)

# The milter's unit tests drive the callbacks through a fake MTA.
$(BUILD)/tests/test_milter_%: tests/unit/test_milter_%.c tests/fakes/shim_fake.c \
    tests/fakes/shim_fake.h tests/unit/testutil.h $(BUILD)/libmugai-milter.a $(BUILD)/libmugai.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< tests/fakes/shim_fake.c \
	    $(BUILD)/libmugai-milter.a $(BUILD)/libmugai.a $(PKG_LIBS) $(CMOCKA_LIBS)

# The daemon with an engine that fails on request (MUGAI_FAULT), for the
# tempfail scenarios of tests/milter and tests/postfix; never installed.
$(BUILD)/tests/mugai-milter-fault: $(BUILD)/milter/main.o $(BUILD)/milter/shim.o \
    tests/milter/fault_engine.c $(BUILD)/libmugai-milter.a $(BUILD)/libmugai.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -Wl,--wrap=engine_run -o $@ \
	    $(BUILD)/milter/main.o $(BUILD)/milter/shim.o tests/milter/fault_engine.c \
	    $(BUILD)/libmugai-milter.a $(BUILD)/libmugai.a $(PKG_LIBS) $(MILTER_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(BUILD)/libmugai.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libmugai.a $(PKG_LIBS) $(CMOCKA_LIBS)

$(BUILD)/replay-%: fuzz/replay.c fuzz/fuzz_%.c $(BUILD)/libmugai.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ fuzz/replay.c fuzz/fuzz_$*.c $(BUILD)/libmugai.a $(PKG_LIBS)

$(BUILD)/mugai-bench: bench/bench.c $(BUILD)/libmugai.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ bench/bench.c $(BUILD)/libmugai.a $(PKG_LIBS)

run: deps all
	@sh tools/demo.sh

stop:
	@sh tools/gateway.sh stop

check: deps
	@$(MAKE) --no-print-directory all $(TEST_BIN) $(BUILD)/tests/mugai-milter-fault
	@$(MAKE) --no-print-directory check-unit check-golden check-fuzz check-milter
	@$(MAKE) --no-print-directory check-cli
	@$(MAKE) --no-print-directory check-postfix
	@$(MAKE) --no-print-directory check-asan

check-unit: $(TEST_BIN)
	@sh tests/run_unit.sh $(TEST_BIN)

check-golden: $(BUILD)/mugai
	@sh tests/run_golden.sh $(BUILD)/mugai

# the commands as a user runs them: the build's order, config paths and
# modes, make install (tests/cli/run.sh)
check-cli: $(BUILD)/mugai
	@sh tests/cli/run.sh $(BUILD)/mugai

# miltertest scenarios, one per feature (tests/milter/t-*.lua)
check-milter: $(BUILD)/mugai-milter $(BUILD)/tests/mugai-milter-fault
	@sh tests/milter/run.sh $(BUILD)/mugai-milter $(BUILD)/tests/mugai-milter-fault

# real Postfix on loopback: integration, load and faults (tests/postfix)
check-postfix: $(BUILD)/mugai-milter $(BUILD)/tests/mugai-milter-fault
	@timeout 900 sh tests/postfix/run.sh

check-fuzz: $(BUILD)/replay-engine $(BUILD)/replay-htmltext $(BUILD)/replay-bincut $(BUILD)/replay-gateway
	@$(BUILD)/replay-engine tests/fuzz-corpus/engine samples tests/hostile
	@$(BUILD)/replay-htmltext tests/fuzz-corpus/htmltext
	@$(BUILD)/replay-bincut tests/fuzz-corpus/bincut
	@$(BUILD)/replay-gateway tests/fuzz-corpus/gateway samples/scan samples tests/hostile

# The same tests and the corpus replay, built with AddressSanitizer and
# UndefinedBehaviorSanitizer; any report fails the run.
check-asan:
	@$(MAKE) --no-print-directory BUILD=build/asan \
	    OPT="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" check-unit check-golden check-fuzz check-milter

# then the CPU per KB of archive bombs and a soak of the milter
# (BENCH_SOAK mails, 100000 by default) with its memory sampled
bench: deps $(BUILD)/mugai-bench $(BUILD)/mugai $(BUILD)/mugai-milter $(BUILD)/mugai-null-milter
	@sh tools/deps.sh bench
	@$(BUILD)/mugai-bench
	@sh bench/bombs.sh $(BUILD)/mugai
	@sh bench/soak.sh $(BUILD)/mugai-milter || echo "bench: the milter's memory is not flat (see above)"
	@$(MAKE) --no-print-directory bench-smtp

# Postfix with no milter, with mugai-milter, with clamav-milter and with
# MIMEDefang, taking turns: smtp-source -> gateway -> smtp-sink (the
# scanning mails come from mugai-bench -w)
bench-smtp: $(BUILD)/mugai-milter $(BUILD)/mugai-bench $(BUILD)/mugai-null-milter
	@timeout 2400 env MUGAI_BENCH=$(BUILD)/mugai-bench MUGAI_NULL_MILTER=$(BUILD)/mugai-null-milter \
	    sh bench/smtp.sh $(BUILD)/mugai-milter

fuzz: deps
	@sh fuzz/build.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(SYSCONFDIR)/mugai \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	    $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(BUILD)/mugai $(DESTDIR)$(PREFIX)/bin/mugai
	install -m 0755 $(BUILD)/mugai-milter $(DESTDIR)$(PREFIX)/sbin/mugai-milter
	install -m 0644 man/mugai-milter.8 $(DESTDIR)$(PREFIX)/share/man/man8/mugai-milter.8
	@sh tools/install-config.sh contrib/mugai.conf $(DESTDIR)$(SYSCONFDIR)/mugai/mugai.conf "$(DESTDIR)"
	install -m 0644 man/mugai.1 $(DESTDIR)$(PREFIX)/share/man/man1/mugai.1
	install -m 0644 man/mugai-quarantine.1 $(DESTDIR)$(PREFIX)/share/man/man1/mugai-quarantine.1
	install -m 0644 man/mugai.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/mugai.conf.5

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(MILTER_OBJ:.o=.d)
