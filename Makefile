# cupid: make | make test | make check (ASan+UBSan) | make install | make uninstall | make deb |
# make clean
PKGS    := gnutls libxml-2.0 jansson sqlite3 libpq libcurl
CC      ?= cc
OPT     ?= -O2
BUILD   ?= build
ifeq ($(SAN),1) # AddressSanitizer + UndefinedBehaviorSanitizer build, in its own directory
BUILD   := build/asan
OPT     := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(FUZZ),1) # libFuzzer build (make fuzz): clang, coverage instrumentation, ASan+UBSan
BUILD   := build/fuzz
CC      := $(or $(FUZZ_CC),clang)
OPT     := -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
           -Wno-unknown-warning-option
LDFLAGS += -fsanitize=address,undefined
endif
CFLAGS  ?= $(OPT) -g
CFLAGS  += $(CPPFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers -Wno-format-truncation -Isrc $(shell pkg-config --cflags $(PKGS))
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -lpthread
PYTHON  ?= /usr/bin/python3

# Installation paths (make install PREFIX=/usr DESTDIR=/tmp/stage). The configuration goes to
# /etc whatever PREFIX is, as the systemd unit expects.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
VERSION    := $(shell sed -n 's/^\#define CUPID_VERSION *"\(.*\)"/\1/p' src/version.h)

SRC     := $(sort $(shell find src -name '*.c'))
OBJ     := $(SRC:src/%.c=$(BUILD)/%.o)
OBJ     += $(BUILD)/gen/ui_files.o # the web page's files, generated from ui/ (below)
LIBOBJ  := $(filter-out $(BUILD)/main.o,$(OBJ))
UNIT    := $(sort $(wildcard tests/unit/test_*.c))
UNITBIN := $(UNIT:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all test unit e2e check clean install uninstall deb FORCE
all: cupid $(BUILD)/cupid.8 $(BUILD)/cupid.conf

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

# The manual page and the sample configuration are generated from the settings table by
# tools/mkman, so neither can drift from what cupid accepts.
$(BUILD)/tools/mkman: tools/mkman.c $(BUILD)/conf.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -MMD -MP -o $@ $< $(BUILD)/conf.o

# Holds the version and the paths that generated files name; rewritten only when they change.
$(BUILD)/paths: FORCE
	@mkdir -p $(dir $@)
	@echo '$(VERSION) $(BINDIR) $(SYSCONFDIR)' | cmp -s - $@ || \
		echo '$(VERSION) $(BINDIR) $(SYSCONFDIR)' > $@

$(BUILD)/cupid.8: $(BUILD)/tools/mkman $(BUILD)/paths
	$< man '$(VERSION)' '$(SYSCONFDIR)' > $@.tmp && mv -f $@.tmp $@

$(BUILD)/cupid.conf: $(BUILD)/tools/mkman $(BUILD)/paths
	$< conf '$(VERSION)' > $@.tmp && mv -f $@.tmp $@

# The web page (ui/) is built into the binary: tools/embed writes its files as C arrays.
# ui.list holds the file names, so that adding or removing a file regenerates the source too.
UIFILES := $(sort $(wildcard ui/*))
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(BUILD)/gen/ui.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(UIFILES)' | cmp -s - $@ || echo '$(UIFILES)' > $@

$(BUILD)/gen/ui_files.c: $(BUILD)/tools/embed $(BUILD)/gen/ui.list $(UIFILES)
	$< $(UIFILES) > $@.$$$$ && mv -f $@.$$$$ $@ # a unique name: two makes may run at once

$(BUILD)/gen/ui_files.o: $(BUILD)/gen/ui_files.c
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/cupid.service: contrib/cupid.service.in $(BUILD)/paths
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $< > $@.tmp
	mv -f $@.tmp $@

# An existing cupid.conf is never overwritten; cupid.conf.sample always shows every setting.
install: $(BUILD)/cupid $(BUILD)/cupid.8 $(BUILD)/cupid.conf $(BUILD)/cupid.service
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)/cupid
	install -m 0755 $(BUILD)/cupid $(DESTDIR)$(BINDIR)/cupid
	install -m 0644 $(BUILD)/cupid.8 $(DESTDIR)$(MANDIR)/man8/cupid.8
	install -m 0644 $(BUILD)/cupid.service $(DESTDIR)$(UNITDIR)/cupid.service
	install -m 0644 $(BUILD)/cupid.conf $(DESTDIR)$(SYSCONFDIR)/cupid/cupid.conf.sample
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/cupid/cupid.conf ]; then \
		echo "cupid: kept the existing $(DESTDIR)$(SYSCONFDIR)/cupid/cupid.conf"; \
	else \
		echo "install -m 0600 $(BUILD)/cupid.conf $(DESTDIR)$(SYSCONFDIR)/cupid/cupid.conf"; \
		install -m 0600 $(BUILD)/cupid.conf $(DESTDIR)$(SYSCONFDIR)/cupid/cupid.conf; \
	fi

# Keeps cupid.conf (it may hold edits and passwords) and the data in /var/lib/cupid.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cupid $(DESTDIR)$(MANDIR)/man8/cupid.8 \
		$(DESTDIR)$(UNITDIR)/cupid.service $(DESTDIR)$(SYSCONFDIR)/cupid/cupid.conf.sample
	rmdir $(DESTDIR)$(SYSCONFDIR)/cupid 2>/dev/null || true

# A Debian package (debian/), built by dpkg-buildpackage in a copy of the tree under
# build/deb/src, so that nothing is written beside or into the checkout; the .deb, its -dbgsym,
# .buildinfo and .changes land in build/deb/. debian/changelog must name CUPID_VERSION.
DEBDIR := build/deb
deb:
	@v=$$(dpkg-parsechangelog -S Version) || exit 1; [ "$$v" = '$(VERSION)' ] || { \
		echo "make deb: debian/changelog is at $$v but src/version.h at $(VERSION);" \
		"add an entry for $(VERSION) to debian/changelog" >&2; exit 1; }
	rm -rf $(DEBDIR) && mkdir -p $(DEBDIR)/src/cupid-$(VERSION)
	tar -cf - --exclude=./.git --exclude=./build --exclude=./cupid --exclude=./cupid-data \
		--exclude=node_modules --exclude=__pycache__ --exclude=.pytest_cache . | \
		tar -xf - -C $(DEBDIR)/src/cupid-$(VERSION)
	cd $(DEBDIR)/src/cupid-$(VERSION) && dpkg-buildpackage -us -uc -b
	mv -f $(DEBDIR)/src/*.deb $(DEBDIR)/src/*.buildinfo $(DEBDIR)/src/*.changes $(DEBDIR)/
	rm -rf $(DEBDIR)/src
	@ls -1 $(DEBDIR)/*.deb

# Unit tests (cmocka), then the end-to-end suite (pytest) against the real binary.
test: unit e2e

unit: $(UNITBIN)
	@rc=0; for t in $(UNITBIN); do $$t || rc=1; done; exit $$rc

e2e: $(BUILD)/cupid
	CUPID_BIN=$(abspath $(BUILD)/cupid) $(PYTHON) -m pytest -q tests/e2e $(PYTEST_ARGS)

# The same suites under AddressSanitizer and UndefinedBehaviorSanitizer.
check:
	$(MAKE) SAN=1 test

# Fuzzing with libFuzzer (clang): every fuzz/fuzz_*.c is a target, linked with the library
# objects built by clang with coverage, ASan and UBSan. fuzz/run.sh replays fuzz/regressions/
# first, then runs each target for FUZZ_SECONDS from its seeds in fuzz/corpus/.
FUZZ_SECONDS ?= 30
FUZZBIN      := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(sort $(wildcard fuzz/fuzz_*.c)))
.PHONY: fuzz fuzz-bins
fuzz:
	$(MAKE) FUZZ=1 fuzz-bins
	bash fuzz/run.sh build/fuzz/fuzz $(FUZZ_SECONDS)

fuzz-bins: $(FUZZBIN)

$(BUILD)/fuzz/%: fuzz/%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LIBOBJ) $(LDLIBS)

# bench/quick.sh: cupid against a libmicrohttpd hello-world (not part of the test suite).
$(BUILD)/bench/hello: bench/hello.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags libmicrohttpd) -o $@ $< $(LDLIBS) \
	  $(shell pkg-config --libs libmicrohttpd)

.PHONY: bench-quick
bench-quick:
	bash bench/quick.sh

# bench/run.sh: cupid against nginx, hello, a bare SQLite loop and json-server (about 30 min).
.PHONY: bench
bench:
	bash bench/run.sh

clean:
	rm -rf build cupid

-include $(OBJ:.o=.d) $(BUILD)/tools/mkman.d
