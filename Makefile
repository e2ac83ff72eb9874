# dangan — build, run on the samples, test.
#   sh setup.sh && make run    check every submission in samples/
#   sh setup.sh && make test   the test suite
CC      ?= cc
PKGS    := libxml-2.0 icu-uc icu-i18n freetype2 harfbuzz libdeflate libqrencode libcrypto sqlite3 libqpdf libmicrohttpd libsodium libzip libpng libjpeg libheif
CFLAGS  ?= -O2 -g
# override: `make CFLAGS=…` (the sanitizer and fuzz builds) must still get
# the dependency files, or a changed header leaves stale objects behind.
# -Werror=format: a finding's Chinese and English formats are checked
# against its one argument list (check_findings.h); a mismatch must stop
# the build, not scroll past as a warning.
override CFLAGS += -std=c11 -Wall -Wextra -Werror=format -MMD -MP
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(shell pkg-config --cflags $(PKGS))
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -lhpdf -lz -lm -lpthread

# B: the build folder (build-asan for the sanitizer run).
B       ?= build
SRC     := $(wildcard src/*.c)
OBJ     := $(SRC:src/%.c=$(B)/obj/%.o)
LIBOBJ  := $(filter-out $(B)/obj/main.o $(B)/obj/cmd_%.o,$(OBJ))
UNIT    := $(wildcard tests/unit/test_*.c)
UNITBIN := $(UNIT:tests/unit/%.c=$(B)/tests/%)

.PHONY: all run test unit setup clean bench bench-peers test-sanitize test-valgrind fuzz

all: $(B)/dangan

$(B)/dangan: $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/fuzz/%: tests/fuzz/%.c $(LIBOBJ)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -Isrc -o $@ $< $(LIBOBJ) $(LDLIBS) $(LDFLAGS)

# Test images made at test time (tests/images.sh, make bench).
$(B)/tools/mkimage: tests/tools/mkimage.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(LIBOBJ)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Isrc -o $@ $< $(LIBOBJ) $(LDLIBS)

setup:
	@sh setup.sh

# The main job: check every shipped submission (one line each on the
# terminal, JSON lines in output/check.jsonl), typeset each passing one into
# output/NAME.pdf, then do the base school's run on the samples it hosts
# (samples/of-school.sh): a signed verification bundle in output/bundle
# (with a throw-away demo certificate), verified, filed and registered.
run: setup build/dangan
	@mkdir -p output
	@build/dangan check --json samples/*/ > output/check.jsonl || true
	@echo "JSON: output/check.jsonl"
	@for d in samples/*/; do n=$$(basename $$d); \
	  p=$$(sed -n 's/.*profile="\([^"]*\)".*/\1/p' $$d/placement.xml); \
	  c=$$(build/dangan check $$d | tail -n 1); \
	  if build/dangan build $$d -o output/$$n.pdf >/dev/null; then r="output/$$n.pdf"; else r="(not built)"; fi; \
	  printf '%-13s %-26s %-24s %s\n' "$$n" "$$p" "$$r" "$$c"; done
	@for f in samples/letter-*.xml; do n=$$(basename $$f .xml); \
	  build/dangan letter $$f -o output/$$n.pdf; done
	@sh samples/make-demo-pki.sh output/pki
	@rm -rf output/bundle
	build/dangan bundle $$(sh samples/of-school.sh samples/school-xxsy.xml samples/*/) --school output/pki/SCHOOL.xml -o output/bundle
	build/dangan verify output/bundle --ca output/pki/ca.pem
	@rm -rf output/archive && mkdir -p output/archive/trust && cp output/pki/ca.pem output/archive/trust/
	@echo '<archive xmlns="urn:dangan:1" prefix="XX教" county="XX县"><signer certificate="../pki/archive-cert.pem" key="../pki/archive-key.pem"/></archive>' > output/archive/archive.xml
	build/dangan archive output/bundle --into output/archive
	build/dangan verify output/archive/2016/XX县红星乡中心小学/XX教-2016-0001.pdf --trust output/archive/trust
	build/dangan find --archive output/archive
	build/dangan find --archive output/archive --register -o output/register.pdf
	build/dangan audit output/archive --pdf output/audit.pdf
	@rm -rf output/export
	build/dangan archive --export 2016 --from output/archive -o output/export

unit: $(UNITBIN)

test: setup build/dangan build/bench build/tools/mkimage $(UNITBIN)
	@sh tests/run.sh

build/bench: bench/bench.c $(LIBOBJ) build/dangan
	$(CC) $(CPPFLAGS) $(CFLAGS) -Isrc -o $@ bench/bench.c $(LIBOBJ) $(LDLIBS)

# Speed, size and memory (figures, not assertions): a dossier with 20
# phone photos (bench/photos.sh), the reference sample,
# generated dossiers of about 10, 40 and 160 pages (bench/gen.py, fixed
# seed), the same text by XeLaTeX, FOP and WeasyPrint when installed,
# `dangan serve` under 60 teachers saving for 30 s (bench/serve_load.py),
# and the bureau's intake of a 1,000-dossier bundle (bench/archive.sh).
bench: setup build/bench build/tools/mkimage
	@sh bench/photos.sh build/bench-photos 20
	@du -sh build/bench-photos/photos | sed 's|\t.*| of phone photos (20 × 4032 × 3024 JPEG) in build/bench-photos:|'
	@build/bench build/bench-photos 2
	@python3 bench/gen.py build/bench-10 0.1 >/dev/null
	@python3 bench/gen.py build/bench-39 1 >/dev/null
	@python3 bench/gen.py build/bench-160 4 >/dev/null
	@build/bench samples/li-chunyan 100
	@build/bench build/bench-10 100
	@build/bench build/bench-39 100 | tee build/bench-39.txt
	@build/bench build/bench-160 20
	@sh bench/peers.sh build/bench-39 $$(sed 's/.*batch\/[0-9]* cores *\([0-9.]*\) ms.*/\1/' build/bench-39.txt)
	@python3 bench/serve_load.py build/dangan 60 30 2 spread
	@python3 bench/serve_load.py build/dangan 60 30 2 together
	@sh bench/archive.sh 1000

# The tools dangan is compared with (large: TeX Live's Chinese support).
bench-peers:
	apt-get install -y --no-install-recommends fop texlive-xetex texlive-lang-chinese texlive-fonts-recommended weasyprint bc

# The whole suite again with AddressSanitizer and UndefinedBehaviorSanitizer
# (any report fails: UB aborts, leaks make a non-zero exit).
SAN := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
test-sanitize: setup build/tools/mkimage
	@$(MAKE) -s B=build-asan CFLAGS="$(SAN)" LDFLAGS="-fsanitize=address,undefined" \
	  build-asan/dangan $(UNIT:tests/unit/%.c=build-asan/tests/%)
	@DANGAN_BIN=build-asan/dangan DANGAN_UNIT_DIR=build-asan/tests DANGAN_LIMIT_SCALE=3 ASAN_OPTIONS=detect_leaks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1 sh tests/run.sh

# Every command on the samples under valgrind: no errors, no definite leaks.
test-valgrind: setup build/dangan
	@sh tests/valgrind.sh

# libFuzzer (clang): the loader+validator+rules, the text engine, verify
# (seeded also with each signature attack of tests/attacks.sh, made from a
# small signed PDF at fuzz time: tests/fuzz/verify_seeds.sh), the image
# decoders.
# Each runs FUZZ_SECONDS from the seed corpora in tests/fuzz/ with a fixed
# seed (CI: 60 s each); a crash leaves build-fuzz/crash-* and fails.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
fuzz: setup
	@$(MAKE) -s B=build-fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
	  build-fuzz/fuzz/fuzz_check build-fuzz/fuzz/fuzz_text build-fuzz/fuzz/fuzz_verify build-fuzz/fuzz/fuzz_image
	@for t in check text verify image; do \
	  rm -rf build-fuzz/corpus-$$t && cp -R tests/fuzz/$$t build-fuzz/corpus-$$t && \
	  { [ $$t != verify ] || sh tests/fuzz/verify_seeds.sh build-fuzz/corpus-verify; } && \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s" && \
	  build-fuzz/fuzz/fuzz_$$t -seed=1 -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -max_len=65536 \
	    -timeout=10 -print_final_stats=1 -artifact_prefix=build-fuzz/ build-fuzz/corpus-$$t \
	    2>build-fuzz/fuzz_$$t.log | tail -n 0; rc=$$?; \
	  grep -E "^stat::number_of_executed_units|^==[0-9]+==ERROR|^SUMMARY" build-fuzz/fuzz_$$t.log; \
	  if grep -q "^==[0-9]*==ERROR\|deadly signal\|^SUMMARY" build-fuzz/fuzz_$$t.log; then echo "fuzz_$$t: FAILED (build-fuzz/fuzz_$$t.log)"; exit 1; fi; \
	done

clean:
	rm -rf build build-asan build-fuzz

-include $(OBJ:.o=.d)
