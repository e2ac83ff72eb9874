/* util_limits.h — every limit on what the program takes in, each with the
 * reason for its value, grouped by stage (like SQLite's sqliteLimit.h).
 * An input past one is refused with a message or a finding (or, for a
 * report, summed up in one line), never truncated silently or allowed to
 * cost unbounded time or memory. Array sizes purely internal to one file
 * stay in that file; nothing here is defined anywhere else. (Not
 * "limits.h": with -Isrc that name would shadow the C library's
 * <limits.h> for the unit tests, the bench and the fuzzers.) */
#ifndef DANGAN_LIMITS_H
#define DANGAN_LIMITS_H

/* ---- the command line (cmd_*.c) ---- */

/* 9999-12-31T23:59:59Z: PDF and XMP dates have four-digit years. */
#define MAX_SOURCE_DATE_EPOCH 253402300799LL
/* bundle -j: far more worker processes than any machine has cores. */
#define MAX_JOBS 256
/* bundle --shard K/N: a county's placements on as many machines as it has. */
#define MAX_SHARDS 100000

/* ---- load: XML (load_xml.c), folders (load_submission.c) ---- */

/* Placement records are small: the spec example is 60 KB in six files,
 * a year's journal a few hundred KB. */
#define XML_MAX_FILE_BYTES   (16u << 20)   /* per file */
#define XML_MAX_DEPTH        32            /* our formats need 6 */
#define XML_MAX_TEXT_BYTES   (1u << 20)    /* one text node or attribute */
#define XML_MAX_NODES        2000000       /* elements + text nodes per file */
/* Parse errors listed per file: a Word-damaged file fixed in one go, still readable. */
#define MAX_PARSE_ERRORS 20
/* Scratch re-parses per file (to list the errors after the first): bounded time on a 16 MiB file. */
#define MAX_REPARSE_BYTES (64u << 20)
/* XML files in one submission folder: a year of records is a dozen. */
#define MAX_SUBMISSION_FILES 256
/* Records in one submission: a working day's observations and lessons for years. */
#define MAX_RECORDS 100000

/* ---- load: data files under templates/ (load_profile.c, load_calendar.c,
 * load_template.c, font_set.c) — ours, but a county may add its own ---- */

/* Tokens in one attribute list (kinds, allowed values, townships): the shipped profiles use at most 7. */
#define MAX_TOKENS 16
/* Allowance rates of one profile: one per township group. */
#define MAX_RATES 16
/* Requirements of one profile: the reference programme (lx-backbone-2016) has 19. */
#define MAX_REQUIREMENTS 200
/* Score bands (优秀/良好/合格/不合格 and the like) of one profile. */
#define MAX_BANDS 16
/* Late-dated reflection kinds of one profile: one per reflection kind is all a program needs. */
#define MAX_DUES 16
/* Holiday names in one calendar file (春节, 国庆节, …). */
#define MAX_NAMES 64
/* Terms of one school year in templates/terms.xml: two or three. */
#define MAX_TERMS 8
/* Paragraph and table styles of one page template: the dossier's has 19. */
#define MAX_STYLES 64
/* Fonts in fonts/fonts.xml: a few faces are shipped; text_shape.c sizes
 * its HarfBuzz fonts by this too, so it must be the one value. */
#define MAX_FONTS 32
/* Roles (body, heading, seal, …) in fonts/fonts.xml. */
#define MAX_ROLES 16
/* Fallback fonts of one role: a CJK face, a Latin one, and a few for rarer scripts. */
#define MAX_CHAIN 8

/* ---- check (check_*.c) ---- */

/* A hostile submission could produce a finding per record; past this many
 * the report says so once instead of growing without bound. */
#define MAX_FINDINGS 2000
/* Schema errors per file: past this many the rest are noise from the first. */
#define MAX_SCHEMA_ERRORS 50
/* Characters the fonts lack, listed per submission: the first ones show the problem. */
#define MAX_REPORTED 100
/* A placeholder names a field (（派出学校）, （课堂教学实录，可选））; a longer
 * text in parentheses is a sentence someone wrote. Bytes. */
#define MAX_PLACEHOLDER 96
/* Placeholders collected from the init skeletons (templates/skeleton). */
#define MAX_PLACEHOLDERS 256
/* An init skeleton file read for its placeholders: ours are a few KB. */
#define MAX_SKELETON_FILE (1 << 20)
/* Slices (days, weeks, terms) a per-period requirement is judged over:
 * more than ten years of working days. */
#define MAX_SLICES 4000

/* ---- layout (layout_*.c) ---- */

/* Columns of a ruled table: the widest is the bundle's 汇总表 (13). */
#define MAX_COLS 16
/* Entries in a table of contents: one per heading kept there, a few
 * dozen in a dossier; past this the rest are left out of the TOC. */
#define MAX_TOC 512

/* ---- image (image_*.c) ---- */

/* Pixels in one figure (as stored). A 200-megapixel file is decoded in a
 * bounded amount of memory (JPEG at a DCT scale, PNG row by row into a
 * box of at most 300 dpi), so this only keeps the time for one figure
 * to about a second; the largest phone sensors give 200 MP. */
#define IMAGE_MAX_PIXELS 200000000L
/* Pixels on one side: JPEG's own limit (65500), and it bounds what one
 * row costs (a 200-megapixel PNG one pixel high would need a 600 MB row). */
#define IMAGE_MAX_SIDE 65535
/* HEIC/HEIF: libheif 1.15 decodes the whole picture at full size (1.5
 * bytes a pixel for the planes, plus its tiles), with no scaled decoding;
 * 50 MP (an iPhone's 48-megapixel HEIF, 72 MB of planes) bounds that. */
#define IMAGE_HEIF_MAX_PIXELS 50000000L
/* libjpeg's working memory: a baseline JPEG needs a few rows, but a
 * progressive one keeps every DCT coefficient (2 bytes a sample: a 12 MP
 * phone photo 36 MB, 200 MP 600 MB); past this it is refused. */
#define IMAGE_JPEG_MAX_MEMORY (96L << 20)
/* No side of a HEIF image beyond this is even parsed (libheif's own
 * guard against headers announcing absurd sizes). */
#define HEIF_MAX_SIDE 32768
/* libpng's own limits, tightened: no single ancillary chunk (text, ICC
 * profile, EXIF) above 8 MiB, which is more than any real one. */
#define PNG_CHUNK_MAX (8u << 20)

/* ---- sign, verify, bundle, archive ---- */

/* A file of a bundle or the archive (a dossier PDF of many figures), far
 * above the 212 KiB of the reference dossier: what verify, a merge, the
 * archive and the manifest's hashing read whole. */
#define MAX_BUNDLE_FILE (256u << 20)
/* A bundle's manifest.xml: 100,000 dossiers at about 130 bytes a line. */
#define MAX_MANIFEST (16u << 20)
/* A bundle's manifest.p7s: a CMS signature with a chain of a few certificates. */
#define MAX_MANIFEST_SIG (1u << 20)
/* A file read back from the archive by audit and export: a filed dossier
 * (a bundle's file, MAX_BUNDLE_FILE, and the archive's update after it),
 * with room to spare. */
#define MAX_FILED_FILE (512u << 20)
/* A kept manifest, record or 检测报告 read back by audit and export:
 * dangan wrote each far below this; the bound stops a planted huge file. */
#define MAX_KEPT_TEXT (64u << 20)
/* Entries in a bundle: 100,000 dossiers and their records. */
#define MAX_TREE 200000
/* The hex of a signature's /Contents: 32 KiB of DER, a chain of several
 * 4096-bit certificates. */
#define SIG_MAX_HEX 65536
/* Signatures in one PDF: a dossier has two (school, archive): room for a few re-filings. */
#define PDF_MAX_SIGS 16
/* Bounds on a PDF's hostile structure: a dossier has one field tree two
 * levels deep and a few hundred pages; far larger is an attack on our time. */
#define PDF_MAX_DEPTH 32
#define PDF_MAX_NODES 20000
#define PDF_MAX_PAGES 20000
/* An archive folder name (a school's name) in bytes: ext4 allows 255;
 * longer ones are cut and given a hash (archive_file.c). */
#define FOLDER_MAX 200

/* ---- serve (serve_*.c) ---- */

/* Request limits (spec §8: bodies over them answer 413). A year's journal
 * is a few hundred KB, so 4 MiB of XML is generous; a phone photograph is
 * 3–12 MB, a panorama up to ~25 MB. */
#define SERVE_MAX_XML      (4u << 20)
#define SERVE_MAX_IMAGE    (30u << 20)
/* A dossier PDF to verify: the 160-page dossier is under 1 MiB; scans of
 * many photographs stay well below this. */
#define SERVE_MAX_PDF      (64u << 20)
/* JSON bodies of login, password, return: a few hundred bytes. */
#define SERVE_MAX_JSON     (16u << 10)
/* Figures per submission: a term's records with a photograph a day is
 * about 100; this bounds the folder (and the dossier) without getting in
 * anyone's way. */
#define SERVE_MAX_FIGURES  400
/* Request headers (cookie, CSRF token, If-Match): libmicrohttpd's
 * per-connection memory, which bounds the request line plus headers. */
#define SERVE_MAX_HEADERS  (16u << 10)
/* How far over its limit a body is still read (and dropped) so that the
 * client hears the 413: a photograph a few MB too large, not a flood. */
#define SERVE_DRAIN_BYTES (32ull << 20)
/* Connections at once, each with its own thread (a thread per
 * connection: a request waiting for an engine or an fsync holds up no
 * other connection, as it did when 8 threads each served many). A
 * school's 60 teachers with ~6 browser connections each stay well under
 * it; connections beyond it are not served until one closes, so a flood
 * costs at most this many threads. */
#define SERVE_CONNECTIONS 1000
/* Connections from one address at once: a school's teachers may all come
 * through one NAT address (each browser opens ~6), so this only stops a
 * flood from one machine. */
#define SERVE_PER_IP_CONNECTIONS 256
/* A connection idle this long is closed (a phone that lost its signal). */
#define SERVE_IDLE_SECONDS 60
/* Login throttling: this many failed logins for one account, or
 * SERVE_ADDR_FAILURES from one address, within SERVE_THROTTLE_SECONDS lock
 * it for that long (10 tries leave an online guesser nowhere against an
 * eight-character password; a school's shared NAT address gets more). */
#define SERVE_ACCOUNT_FAILURES 10
#define SERVE_ADDR_FAILURES    50
#define SERVE_THROTTLE_SECONDS (15 * 60)
/* Requests per second one session (or, without one, one address) may
 * make, with a burst: opening the teacher's page takes about a dozen,
 * a save two; a script looping on the API gets 429 instead of the
 * machine. */
#define SERVE_RATE_PER_SECOND 20
#define SERVE_RATE_BURST      200
/* Session lifetime without use: a working day (a teacher types in the
 * evening, on a school PC others may use next morning). */
#define SERVE_SESSION_SECONDS  (8 * 3600)

#endif
