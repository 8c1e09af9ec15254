# cupid: make | make test | make check (ASan+UBSan) | make clean
PKGS    := libmicrohttpd gnutls libxml-2.0 jansson sqlite3
CC      ?= cc
OPT     ?= -O2
BUILD   ?= build
ifeq ($(SAN),1) # AddressSanitizer + UndefinedBehaviorSanitizer build, in its own directory
BUILD   := build/asan
OPT     := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
CFLAGS  ?= $(OPT) -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers -Wno-format-truncation -Isrc $(shell pkg-config --cflags $(PKGS))
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -lpthread
PYTHON  ?= /usr/bin/python3

SRC     := $(sort $(shell find src -name '*.c'))
OBJ     := $(SRC:src/%.c=$(BUILD)/%.o)
LIBOBJ  := $(filter-out $(BUILD)/main.o,$(OBJ))
UNIT    := $(sort $(wildcard tests/unit/test_*.c))
UNITBIN := $(UNIT:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test unit e2e check clean
all: cupid

cupid: $(BUILD)/cupid
	cp -f $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/cupid: $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIBOBJ) $(LDLIBS) $(shell pkg-config --libs cmocka)

# Unit tests (cmocka), then the end-to-end suite (pytest) against the real binary.
test: unit e2e

unit: $(UNITBIN)
	@rc=0; for t in $(UNITBIN); do $$t || rc=1; done; exit $$rc

e2e: $(BUILD)/cupid
	CUPID_BIN=$(abspath $(BUILD)/cupid) $(PYTHON) -m pytest -q tests/e2e $(PYTEST_ARGS)

# The same suites under AddressSanitizer and UndefinedBehaviorSanitizer.
check:
	$(MAKE) SAN=1 test

# bench/quick.sh: cupid against a libmicrohttpd hello-world (not part of the test suite).
$(BUILD)/bench/hello: bench/hello.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)

.PHONY: bench-quick
bench-quick:
	bash bench/quick.sh

clean:
	rm -rf build cupid

-include $(OBJ:.o=.d)
