# SPDX-License-Identifier: MIT
# zap - build, test and install libzapconf, lszap and chzap (plain GNU make).
#
#   make            build the library and the tools in place
#   make demo       install missing packages (as root), build, lszap on the demo tree
#   make check      install missing packages (as root), build, run every test
#   make bench      measure lszap on a maximal LPAR (256 x 256 queues, 200 mdevs)
#   make install    DESTDIR=... PREFIX=... LIBDIR=... ; make uninstall
#   make dist       zap-VERSION.tar.gz of the committed tree
#   make packages   Debian packages and RPMs in build-pkg/ (tools/packages.sh)
#   make deps       install (as root) or name the packages the project needs
#   V=1             show full command lines

VERSION     := 0.1.0
PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
# The platform's library directory: Debian's multiarch one, lib64 where
# /usr/lib64 is a real directory (RHEL, SLES), else lib; LIBDIR= overrides.
MULTIARCH   := $(shell $(or $(CC),cc) -print-multiarch 2>/dev/null)
LIB64       := $(shell [ -d /usr/lib64 ] && [ ! -L /usr/lib64 ] && echo lib64)
LIBDIR      ?= $(PREFIX)/$(if $(MULTIARCH),lib/$(MULTIARCH),$(or $(LIB64),lib))
INCLUDEDIR  ?= $(PREFIX)/include
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DOCDIR      ?= $(PREFIX)/share/doc/zap
# systemd's directories (pkg-config systemd), else under PREFIX
SYSTEMDUNITDIR ?= $(or $(shell pkg-config --variable=systemdsystemunitdir \
	systemd 2>/dev/null),$(PREFIX)/lib/systemd/system)
SYSTEMDPRESETDIR ?= $(or $(shell pkg-config \
	--variable=systemdsystempresetdir systemd 2>/dev/null),$(PREFIX)/lib/systemd/system-preset)
LDCONFIG    ?= ldconfig
DESTDIR     ?=

CC          ?= cc
PKG_CONFIG  ?= pkg-config
CFLAGS      ?= -O2 -g
LDFLAGS     ?=
WERROR      ?= -Werror

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-8s %s\n' $(1) $(2)
endif

# Hardening: FORTIFY 3 where the compiler has it, else 2.
FORTIFY := $(shell printf '\#include <stdio.h>\nint main(void){return 0;}\n' | \
	$(CC) -O2 -D_FORTIFY_SOURCE=3 -Werror -x c - -o /dev/null 2>/dev/null && \
	echo 3 || echo 2)
HARDEN_CFLAGS  := -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=$(FORTIFY) \
	-fstack-protector-strong
HARDEN_LDFLAGS := -Wl,-z,relro,-z,now

pc = $(shell $(PKG_CONFIG) $(1) $(2) 2>/dev/null)

ALL_CFLAGS = -std=gnu11 -Wall -Wextra $(WERROR) -D_GNU_SOURCE \
	-Iinclude $(HARDEN_CFLAGS) $(CFLAGS)

# ------------------------------------------------------------- libzapconf
LIB_SRCS := $(sort $(wildcard libzapconf/*.c))
LIB_OBJS := $(LIB_SRCS:.c=.o)
LIB_PKGS := json-c uuid libxml-2.0
LIB_SONAME := libzapconf.so.0
LIB_SO := libzapconf/$(LIB_SONAME)
LIB_CFLAGS = $(ALL_CFLAGS) -fPIC -fvisibility=hidden $(call pc,--cflags,$(LIB_PKGS))
LIB_LIBS = $(call pc,--libs,$(LIB_PKGS))

# the static library, for programs linked with pkg-config --static
LIB_A := libzapconf/libzapconf.a

# ------------------------------------------------------------------ tools
TOOLS := lszap/lszap chzap/chzap
LSZAP_PKGS := popt json-c smartcols libudev libsystemd
CHZAP_PKGS := popt json-c libsystemd
# the system log record sender of chzap's audit trail, also lszap --log's
LOGRECORD_SRC := chzap/logrecord.c
TOOL_CFLAGS = $(ALL_CFLAGS) -fPIE
TOOL_LDFLAGS = -pie $(HARDEN_LDFLAGS) $(LDFLAGS)
RPATH = -Wl,-rpath,'$$ORIGIN/../libzapconf'

# ------------------------------------------------------------------ tests
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
MACHINE_SRCS := tests/machine/machine.c
MKFIXTURE := tests/machine/mkfixture
APSIM := tests/apsim/apsim
APSIM_SRCS = $(sort $(wildcard tests/apsim/*.c)) $(MACHINE_SRCS)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

DEPS_DEBIAN := gcc make pkg-config uuid-dev libudev-dev libpopt-dev \
	libjson-c-dev libsmartcols-dev check bats bats-assert bats-support \
	libfuse3-dev fuse3 jq valgrind strace python3 python3-yaml \
	python3-jsonschema ansible-core libsystemd-dev libxml2-dev libvirt-clients
DEPS_RPM := gcc make pkgconf libuuid-devel systemd-devel popt-devel \
	json-c-devel libsmartcols-devel check-devel bats fuse3-devel fuse3 valgrind \
	libxml2-devel libvirt-client

.PHONY: all deps demo check check-build unit unit-asan unit-valgrind bats \
	bats-asan bench install \
	uninstall install-apsim clean
.DELETE_ON_ERROR:

all: $(LIB_SO) $(TOOLS)

libzapconf/%.o: libzapconf/%.c include/zapconf.h libzapconf/internal.h
	$(call say,CC,$@)
	$(Q)$(CC) $(LIB_CFLAGS) -c $< -o $@

$(LIB_SO): $(LIB_OBJS) libzapconf/libzapconf.map
	$(call say,LINK,$@)
	$(Q)$(CC) -shared -Wl,-soname,$(LIB_SONAME) \
		-Wl,--version-script=libzapconf/libzapconf.map $(HARDEN_LDFLAGS) \
		$(LDFLAGS) $(LIB_OBJS) $(LIB_LIBS) -o $@
	$(Q)ln -sf $(LIB_SONAME) libzapconf/libzapconf.so

$(LIB_A): $(LIB_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(LIB_OBJS)

lszap/%.o: lszap/%.c include/zapconf.h $(wildcard lszap/*.h)
	$(call say,CC,$@)
	$(Q)$(CC) $(TOOL_CFLAGS) $(call pc,--cflags,$(LSZAP_PKGS)) -c $< -o $@

chzap/%.o: chzap/%.c include/zapconf.h $(wildcard chzap/*.h)
	$(call say,CC,$@)
	$(Q)$(CC) $(TOOL_CFLAGS) $(call pc,--cflags,$(CHZAP_PKGS)) -c $< -o $@

LSZAP_OBJS = $(patsubst %.c,%.o,$(sort $(wildcard lszap/*.c) $(LOGRECORD_SRC)))
CHZAP_OBJS = $(patsubst %.c,%.o,$(sort $(wildcard chzap/*.c)))

lszap/lszap: $(LSZAP_OBJS) $(LIB_SO)
	$(call say,LINK,$@)
	$(Q)$(CC) $(TOOL_LDFLAGS) $(RPATH) $(LSZAP_OBJS) -Llibzapconf -lzapconf \
		$(call pc,--libs,$(LSZAP_PKGS)) -o $@

chzap/chzap: $(CHZAP_OBJS) $(LIB_SO)
	$(call say,LINK,$@)
	$(Q)$(CC) $(TOOL_LDFLAGS) $(RPATH) $(CHZAP_OBJS) -Llibzapconf -lzapconf \
		$(call pc,--libs,$(CHZAP_PKGS)) -o $@

# Installed copies: the same objects, linked without the build tree's rpath.
lszap/lszap.installed: $(LSZAP_OBJS) $(LIB_SO)
	$(call say,LINK,$@)
	$(Q)$(CC) $(TOOL_LDFLAGS) $(LSZAP_OBJS) -Llibzapconf -lzapconf \
		$(call pc,--libs,$(LSZAP_PKGS)) -o $@

chzap/chzap.installed: $(CHZAP_OBJS) $(LIB_SO)
	$(call say,LINK,$@)
	$(Q)$(CC) $(TOOL_LDFLAGS) $(CHZAP_OBJS) -Llibzapconf -lzapconf \
		$(call pc,--libs,$(CHZAP_PKGS)) -o $@

# libzapconf.pc and the boot-time check's unit (naming the installed
# lszap) are made by make install, for the directories it installs to.
PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	-e 's|@REQUIRES_PRIVATE@|$(LIB_PKGS)|'
UNIT_SED = sed -e 's|@SBINDIR@|$(SBINDIR)|'

# --------------------------------------------------------- test programs
$(MKFIXTURE): $(MACHINE_SRCS) tests/machine/mkfixture.c tests/machine/machine.h
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -O2 $(call pc,--cflags,json-c) $(MACHINE_SRCS) \
		tests/machine/mkfixture.c $(call pc,--libs,json-c) -o $@

$(APSIM): $(APSIM_SRCS) tests/machine/machine.h $(wildcard tests/apsim/*.h)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(call pc,--cflags,fuse3 json-c) $(APSIM_SRCS) \
		$(call pc,--libs,fuse3 json-c) -lpthread -o $@

# The unit tests link the library's objects, internal functions included.
tests/unit/zap-unit: $(UNIT_SRCS) $(wildcard tests/unit/*.h) $(LIB_OBJS)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Ilibzapconf $(call pc,--cflags,check) $(UNIT_SRCS) \
		$(LIB_OBJS) $(LIB_LIBS) $(call pc,--libs,check) -o $@

# The unit tests again, library compiled in, under ASan + UBSan.
tests/unit/zap-unit-asan: $(UNIT_SRCS) $(LIB_SRCS) $(wildcard tests/unit/*.h) \
		include/zapconf.h libzapconf/internal.h
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Ilibzapconf -O1 $(SAN_FLAGS) \
		$(call pc,--cflags,check $(LIB_PKGS)) $(UNIT_SRCS) $(LIB_SRCS) \
		$(call pc,--libs,check $(LIB_PKGS)) -o $@

# The tools again, library compiled in, under ASan + UBSan (make bats-asan).
ASAN_DIR := build-asan
$(ASAN_DIR)/lszap: $(LIB_SRCS) $(wildcard lszap/*.c lszap/*.h) $(LOGRECORD_SRC) \
		include/zapconf.h libzapconf/internal.h
	$(call say,CC,$@)
	$(Q)mkdir -p $(ASAN_DIR)
	$(Q)$(CC) $(ALL_CFLAGS) -O1 $(SAN_FLAGS) -Ilibzapconf \
		$(call pc,--cflags,$(LSZAP_PKGS) $(LIB_PKGS)) $(LIB_SRCS) \
		$(wildcard lszap/*.c) $(LOGRECORD_SRC) \
		$(call pc,--libs,$(LSZAP_PKGS) $(LIB_PKGS)) -o $@

$(ASAN_DIR)/chzap: $(LIB_SRCS) $(wildcard chzap/*.c chzap/*.h) \
		include/zapconf.h libzapconf/internal.h
	$(call say,CC,$@)
	$(Q)mkdir -p $(ASAN_DIR)
	$(Q)$(CC) $(ALL_CFLAGS) -O1 $(SAN_FLAGS) -Ilibzapconf \
		$(call pc,--cflags,$(CHZAP_PKGS) $(LIB_PKGS)) $(LIB_SRCS) \
		$(wildcard chzap/*.c) $(call pc,--libs,$(CHZAP_PKGS) $(LIB_PKGS)) -o $@

SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99

# ------------------------------------------------------------- top level
deps:
	@./tools/deps.sh $(DEPS_DEBIAN) -- $(DEPS_RPM)

check-build: all $(MKFIXTURE) $(APSIM) tests/unit/zap-unit \
	tests/unit/zap-unit-asan

demo: deps
	@$(MAKE) --no-print-directory all $(MKFIXTURE)
	@./tools/demo.sh

unit: tests/unit/zap-unit $(MKFIXTURE)
	$(call say,TEST,unit)
	$(Q)ZAP_TEST_MKFIXTURE=$(CURDIR)/$(MKFIXTURE) ./tests/unit/zap-unit

unit-asan: tests/unit/zap-unit-asan $(MKFIXTURE)
	$(call say,TEST,unit-asan)
	$(Q)ZAP_TEST_MKFIXTURE=$(CURDIR)/$(MKFIXTURE) $(SAN_ENV) \
		./tests/unit/zap-unit-asan

# The library's unit tests under valgrind memcheck: zero errors, no leaks.
unit-valgrind: tests/unit/zap-unit $(MKFIXTURE)
	$(call say,TEST,unit-valgrind)
	$(Q)ZAP_TEST_MKFIXTURE=$(CURDIR)/$(MKFIXTURE) valgrind -q \
		--error-exitcode=1 --leak-check=full --show-leak-kinds=definite \
		--errors-for-leak-kinds=definite ./tests/unit/zap-unit

# Every CLI test again with the ASan+UBSan builds of lszap and chzap.
bats-asan: $(ASAN_DIR)/lszap $(ASAN_DIR)/chzap $(MKFIXTURE) $(APSIM)
	$(call say,TEST,bats-asan)
	$(Q)ZAP_TOOLS_DIR=$(CURDIR)/$(ASAN_DIR) $(SAN_ENV) \
		bats --print-output-on-failure tests/bats $(wildcard tests/apsim/*.bats)

bats: all $(MKFIXTURE) $(APSIM)
	$(call say,TEST,bats)
	$(Q)bats --print-output-on-failure tests/bats $(wildcard tests/apsim/*.bats)

check: deps
	@$(MAKE) --no-print-directory check-build
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory bats
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory unit-valgrind
	@$(MAKE) --no-print-directory bats-asan
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory check-packages

tools/bench-free: tools/bench-free.c $(LIB_SO)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -O2 tools/bench-free.c $(RPATH_TOOLS) \
		-Llibzapconf -lzapconf -o $@

RPATH_TOOLS = -Wl,-rpath,'$$ORIGIN/../libzapconf'

bench: deps
	@$(MAKE) --no-print-directory all $(MKFIXTURE) tools/bench-free
	@./tools/bench.sh

# The doc directory gets README.md, docs/ and examples/ (as in the tree).
DOC_FILES = README.md $(wildcard docs/*)
EXAMPLE_FILES = $(shell find examples -type f 2>/dev/null | LC_ALL=C sort)

install: all $(LIB_A) lszap/lszap.installed chzap/chzap.installed
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(SYSTEMDPRESETDIR)
	install -m 0755 lszap/lszap.installed $(DESTDIR)$(SBINDIR)/lszap
	install -m 0755 chzap/chzap.installed $(DESTDIR)$(SBINDIR)/chzap
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME).0.0
	ln -sf $(LIB_SONAME).0.0 $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libzapconf.so
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/libzapconf.a
	install -m 0644 include/zapconf.h $(DESTDIR)$(INCLUDEDIR)/zapconf.h
	$(PC_SED) libzapconf/libzapconf.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libzapconf.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/libzapconf.pc
	for m in man/*.8; do install -m 0644 $$m $(DESTDIR)$(MANDIR)/man8/; done
	for m in man/*.5; do install -m 0644 $$m $(DESTDIR)$(MANDIR)/man5/; done
	for c in completions/*; do install -m 0644 $$c $(DESTDIR)$(BASHCOMPDIR)/; done
	for f in $(DOC_FILES); do install -m 0644 $$f $(DESTDIR)$(DOCDIR)/; done
	for f in $(EXAMPLE_FILES); do \
		install -D -m 0644 $$f $(DESTDIR)$(DOCDIR)/$$f; done
	$(UNIT_SED) systemd/zap-check.service.in > $(DESTDIR)$(SYSTEMDUNITDIR)/zap-check.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/zap-check.service
	install -m 0644 systemd/50-zap.preset $(DESTDIR)$(SYSTEMDPRESETDIR)/
	@# a real install: the new library is found at once
	if [ -z "$(DESTDIR)" ]; then $(LDCONFIG) || \
		echo "warning: $(LDCONFIG) failed: run it as root" >&2; fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/lszap $(DESTDIR)$(SBINDIR)/chzap \
		$(DESTDIR)$(LIBDIR)/$(LIB_SONAME).0.0 $(DESTDIR)$(LIBDIR)/$(LIB_SONAME) \
		$(DESTDIR)$(LIBDIR)/libzapconf.so $(DESTDIR)$(LIBDIR)/libzapconf.a \
		$(DESTDIR)$(INCLUDEDIR)/zapconf.h \
		$(DESTDIR)$(PKGCONFIGDIR)/libzapconf.pc \
		$(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(wildcard man/*.8))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(wildcard man/*.5))) \
		$(addprefix $(DESTDIR)$(BASHCOMPDIR)/,$(notdir $(wildcard completions/*))) \
		$(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOC_FILES))) \
		$(addprefix $(DESTDIR)$(DOCDIR)/,$(EXAMPLE_FILES)) \
		$(DESTDIR)$(SYSTEMDUNITDIR)/zap-check.service \
		$(DESTDIR)$(SYSTEMDPRESETDIR)/50-zap.preset
	-find $(DESTDIR)$(DOCDIR) -depth -type d -empty -delete 2>/dev/null
	if [ -z "$(DESTDIR)" ]; then $(LDCONFIG) || \
		echo "warning: $(LDCONFIG) failed: run it as root" >&2; fi

# make print-VAR: the value of VAR (LIBDIR, VERSION, SYSTEMDUNITDIR...) as
# make install uses it, for scripts and tests.
print-%:
	@echo $($*)

# make dist: zap-VERSION.tar.gz of the committed tree (git archive);
# DIST_OUT= names another file.
DIST := zap-$(VERSION)
DIST_OUT ?= $(DIST).tar.gz
dist:
	$(call say,DIST,$(DIST_OUT))
	$(Q)git archive --format=tar.gz --prefix=$(DIST)/ -o $(DIST_OUT) HEAD

# make packages: Debian packages and RPMs from make dist's tarball, in
# build-pkg/ (no tests run inside the package builds).
packages: dist
	@./tools/deps.sh $(DEPS_PACKAGES) -- rpm-build
	@./tools/packages.sh $(DIST).tar.gz build-pkg

# make symbols: debian/libzapconf0.symbols from the library's exports (after
# adding or removing a zap_* function; see tools/symbols.sh).
symbols: $(LIB_SO)
	@./tools/symbols.sh $(LIB_SO) $(VERSION) debian/libzapconf0.symbols

# make check-packages: build the packages, install the Debian ones in a
# throw-away root and run the installed tools, remove them (root only).
DEPS_PACKAGES := debhelper dpkg-dev fakeroot lintian rpm systemd
check-packages: all $(MKFIXTURE)
	@./tools/deps.sh $(DEPS_PACKAGES) -- rpm-build
	@bats --print-output-on-failure tests/packaging

.PHONY: dist packages check-packages symbols

install-apsim: $(APSIM)
	install -d $(DESTDIR)$(SBINDIR)
	install -m 0755 $(APSIM) $(DESTDIR)$(SBINDIR)/apsim

clean:
	rm -f libzapconf/*.o libzapconf/*.so* libzapconf/*.a libzapconf/libzapconf.pc \
		lszap/*.o chzap/*.o $(TOOLS) lszap/lszap.installed \
		chzap/chzap.installed $(MKFIXTURE) $(APSIM) tests/unit/zap-unit \
		tests/unit/zap-unit-asan tools/bench-free \
		$(DIST).tar.gz
	rm -rf $(ASAN_DIR) build-pkg

# ------------------------------------------------------------------ fuzzing
# make fuzz: libFuzzer targets of tests/fuzz/ under ASan+UBSan, FUZZ_SECONDS
# (default 30) seconds each; see tools/fuzz.sh.
DEPS_FUZZ := clang libclang-rt-14-dev
DEPS_FUZZ_RPM := clang compiler-rt

fuzz: deps
	@./tools/deps.sh $(DEPS_FUZZ) -- $(DEPS_FUZZ_RPM)
	@./tools/fuzz.sh

.PHONY: fuzz

# -------------------------------------------------------- static analysis
# make lint: cppcheck and clang-tidy (.clang-tidy) on every .c file of
# libzapconf/, lszap/, chzap/, tests/machine/ and tests/apsim/; any finding
# fails. See tools/lint.sh (it takes other directories too); the libraries'
# headers come from make deps.
lint:
	@./tools/deps.sh cppcheck clang-tidy -- cppcheck clang-tools-extra
	@./tools/lint.sh

.PHONY: lint

# -------------------------------------------------------------------- soak
# make soak: 4 chzap processes x SOAK_COUNT (default 250) random changes
# each on apsim, every command checked (tools/soak.sh; root and FUSE).
soak: all $(MKFIXTURE) $(APSIM)
	@./tools/soak.sh

.PHONY: soak
