# quarry — plain Makefile: `make`, `make test`, `make run`, `make bench`.

CC ?= cc
PKGS := jansson yaml-0.1 libxml-2.0 libpcre2-8
BUILD ?= build
OPT ?= -O2 -g
SAN ?=
PREFIX ?= /usr/local
DESTDIR ?=

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -I. -I$(BUILD) \
	$(PKG_CFLAGS) $(OPT) $(SAN) $(EXTRA_CFLAGS)
LDLIBS := $(PKG_LIBS) -lcsv -lm -lpthread
LDFLAGS := $(SAN)

LIB_SRCS := $(wildcard util/*.c ir/*.c extract/*.c converters/*.c \
	validate/*.c schemas/*.c) $(filter-out cmd/main.c,$(wildcard cmd/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/schemas_data.o \
	$(BUILD)/gen/gazetteers_data.o
TEST_SRCS := $(wildcard tests/*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
# Helpers the shell tests call (not tests themselves).
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(wildcard tests/tools/*.c))
BENCH_BINS := $(BUILD)/bench/bench_stages
# Scorers of make eval that need the library.
EVAL_BINS := $(patsubst eval/%.c,$(BUILD)/eval/%,$(wildcard eval/*.c))
SCHEMA_FILES := $(sort $(wildcard schemas/*.json schemas/*.xsd schemas/csv/*.json))
GAZETTEER_FILES := $(sort $(wildcard data/gazetteers/*.txt))
DEB_PACKAGES := gcc make pkg-config libjansson-dev libyaml-dev libxml2-dev \
	libcsv-dev libpcre2-dev python3 python3-jsonschema python3-yaml jq libxml2-utils \
	sqlite3 postgresql

SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

.PHONY: all deps test check check-asan run bench eval install clean fuzz

all: $(BUILD)/quarry $(BUILD)/libquarry.a

deps:
	@tools/deps.sh $(DEB_PACKAGES)

$(BUILD)/%.o: %.c $(filter-out tests/%,$(wildcard */*.h))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# Files built into the binary: the schemas, and the gazetteers of extract/.
$(BUILD)/gen/schemas_data.c: $(SCHEMA_FILES) tools/embed.sh
	@mkdir -p $(dir $@)
	tools/embed.sh schemas schemas/schemas.h q_embedded_files $(SCHEMA_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/gazetteers_data.c: $(GAZETTEER_FILES) tools/embed.sh
	@mkdir -p $(dir $@)
	tools/embed.sh data/gazetteers extract/extract.h q_gazetteer_files $(GAZETTEER_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libquarry.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/quarry: $(BUILD)/cmd/main.o $(BUILD)/libquarry.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c tests/check.h tests/extract_check.h $(BUILD)/libquarry.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libquarry.a $(LDLIBS)

$(BUILD)/tests/tools/%: tests/tools/%.c $(BUILD)/libquarry.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libquarry.a $(LDLIBS)

# The fuzz targets are compiled into their corpus replay.
$(BUILD)/tests/test_fuzz_replay: $(wildcard tests/fuzz/*.c tests/fuzz/*.h)

$(BUILD)/eval/%: eval/%.c $(BUILD)/libquarry.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libquarry.a $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libquarry.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libquarry.a $(LDLIBS)

# The suite, once optimised and once under ASan+UBSan.
test: deps
	@status=0; \
	$(MAKE) --no-print-directory check || status=1; \
	$(MAKE) --no-print-directory check-asan || status=1; \
	exit $$status

check: all $(TEST_BINS) $(TOOL_BINS)
	@tests/run.sh $(BUILD)

check-asan:
	@$(MAKE) --no-print-directory check BUILD=build/asan OPT="-O1 -g" \
		SAN="$(SANFLAGS)"

# deps first, in its own step, so the build sees the packages it installed.
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p out
	$(BUILD)/quarry extract --date 2022-11-21 -o out/sample.json \
		fixtures/sample/op-ed.txt
	$(BUILD)/quarry validate out/sample.json
	@echo "wrote out/sample.json (valid against schemas/quarry.schema.json)"

bench: all $(BENCH_BINS)
	@bench/run.sh $(BUILD)
	@echo
	@bench/convert.sh $(BUILD)

# libFuzzer (clang): each reader's target for FUZZ_SECONDS, starting from
# its seeds in tests/fuzz/corpus/; crashers land in build/fuzz/crashes/.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := yaml json csv csv_from_json

fuzz:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=$(FUZZ_CC) OPT="-O1 -g" \
		SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
		$(FUZZ_TARGETS:%=build/fuzz/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus/$$t build/fuzz/crashes/$$t; \
		build/fuzz/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -close_fd_mask=2 \
			-rss_limit_mb=4096 -artifact_prefix=build/fuzz/crashes/$$t/ \
			build/fuzz/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(BUILD)/libquarry.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libquarry.a $(LDLIBS)

# Quality against annotated data, quarry and the peers side by side.
eval: all $(TEST_BINS) $(EVAL_BINS)
	@eval/run.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/quarry $(DESTDIR)$(PREFIX)/bin/quarry
	install -m 644 man/quarry.1 $(DESTDIR)$(PREFIX)/share/man/man1/quarry.1

clean:
	rm -rf build out
