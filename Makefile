# relay: a small socat-compatible relay.  Needs only a C compiler and libc
# to build, and GNU make to run this Makefile (ifeq, $(shell), $(file)).
CC ?= cc
CFLAGS ?= -O2
WARN = -Wall -Wextra
PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
INSTALL ?= install
MUSL_CC ?= musl-gcc
STRIP ?= strip

ifeq ($(SANITIZE),1)
CFLAGS += -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

all: relay

# -z now: the dynamic linker resolves every libc function at start instead
# of at its first call.  A fork child calls many first (socket, connect,
# splice, ...), and each lazy resolution writes to relay's and ld.so's data:
# 12 KiB more of its own per connection.
NOW = -Wl,-z,now

# The compiler and flags of the last build: a build with other flags (say
# SANITIZE=1 after a plain one) rebuilds instead of reusing the older binary.
BUILD_FLAGS = $(CC) $(CFLAGS) $(WARN) $(CPPFLAGS) $(NOW) $(LDFLAGS)
ifneq ($(BUILD_FLAGS),$(file <.build-flags))
$(shell echo '$(BUILD_FLAGS)' >.build-flags)
endif

relay: relay.c relay.h .build-flags
	$(CC) $(CFLAGS) $(WARN) $(CPPFLAGS) -o $@ relay.c $(NOW) $(LDFLAGS)

# A fully static binary with musl (Debian: musl-tools), for busybox images.
# -Os, and the flags drop what a static tool has no use for (unwind tables,
# section padding, the build id), to stay well under the 192 KiB budget.
STATIC_CFLAGS = -static -Os -fno-pie -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
# common-page-size: the data segment follows the code in the file at the
# same offset within a page, instead of padded out to the next page.
STATIC_LDFLAGS = -no-pie -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,norelro \
	-Wl,-z,noseparate-code -Wl,-z,common-page-size=64
relay-static: relay.c relay.h
	$(MUSL_CC) $(STATIC_CFLAGS) $(WARN) -o $@ relay.c $(STATIC_LDFLAGS)
	$(STRIP) -R .comment $@

# The static binary is relay-static: ./relay stays the default build, so a
# later "make check" or "make install" never picks up the other one.
static: relay-static

test/unit: test/unit.c relay.c relay.h .build-flags
	$(CC) $(CFLAGS) $(WARN) $(CPPFLAGS) -DRELAY_NO_MAIN -I. -o $@ test/unit.c relay.c $(LDFLAGS)

# TESTS picks scenarios (default: all), e.g. make check TESTS="unit 32-engine".
check: relay test/unit
	test/run $(TESTS)

install: relay
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	$(INSTALL) -m 755 relay $(DESTDIR)$(BINDIR)/relay
	$(INSTALL) -m 755 ambassador $(DESTDIR)$(BINDIR)/ambassador
	$(INSTALL) -m 644 man/relay.1 $(DESTDIR)$(MANDIR)/relay.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/relay $(DESTDIR)$(BINDIR)/ambassador \
		$(DESTDIR)$(MANDIR)/relay.1

# socat's own test suite (test.sh of socat 1.8.0.3) run against relay, over
# the tests test/conformance.scope leaves in; never part of check.  It ends
# with "conformance: N ok, F failed, C could not be performed".  Root (or
# unshare -n) for its network namespaces; CONFORMANCE_FLAGS="-j 4 --floor".
conformance: relay
	test/conformance $(CONFORMANCE_FLAGS)

# Mutation testing: realistic bugs from test/mutants put in a copy of the
# tree one at a time, each against the scenarios that cover it (long: not
# part of check or CI).  MUTANTS picks some by name.
mutate:
	test/mutate $(MUTANTS)

# libFuzzer harnesses for the parsers (clang, libclang-rt-14-dev), run for
# FUZZ_SECONDS each; crashes are kept in test/fuzz/crashes/.
fuzz:
	test/fuzz/run

# Benchmarks against socat, HAProxy and nginx: never part of check.  Both
# builds, the default one and the static one that goes into the image.
bench: relay relay-static
	bench/run

clean:
	rm -f relay relay-static test/unit .build-flags

.PHONY: all static check conformance mutate fuzz bench install uninstall clean
