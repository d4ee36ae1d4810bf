# relay: a small socat-compatible relay.  Needs only a C compiler and libc.
CC ?= cc
CFLAGS ?= -O2
WARN = -Wall -Wextra
PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
INSTALL ?= install

ifeq ($(SANITIZE),1)
CFLAGS += -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

all: relay

relay: relay.c relay.h
	$(CC) $(CFLAGS) $(WARN) $(CPPFLAGS) -o $@ relay.c $(LDFLAGS)

# A fully static binary with musl (Debian: musl-tools).
static: relay.c relay.h
	musl-gcc -static -Os $(WARN) -o relay relay.c
	strip relay

test/unit: test/unit.c relay.c relay.h
	$(CC) $(CFLAGS) $(WARN) -DRELAY_NO_MAIN -I. -o $@ test/unit.c relay.c $(LDFLAGS)

check: relay test/unit
	test/run

install: relay
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	$(INSTALL) -m 755 relay $(DESTDIR)$(BINDIR)/relay
	$(INSTALL) -m 755 ambassador $(DESTDIR)$(BINDIR)/ambassador
	$(INSTALL) -m 644 man/relay.1 $(DESTDIR)$(MANDIR)/relay.1

# Benchmarks against socat, HAProxy and nginx: never part of check.
bench: relay
	bench/run

clean:
	rm -f relay test/unit

.PHONY: all static check bench install clean
