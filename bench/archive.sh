#!/bin/sh
# The bureau's side at scale: one bundle of N dossiers (copies of the
# reference submission under N placement ids), filed into a new archive.
# Prints dossiers per second for bundle and for archive intake, peak RSS
# of the intake, the 归档章 update's size, and what the archive keeps per
# dossier beyond its filed PDF (goal: < 2 KB; the manifest is kept once
# per bundle). Then `dangan audit` of that archive (dossiers per second,
# peak RSS; the same for an archive of N/10 dossiers: memory should not
# grow with the archive), and `dangan find` over 100,000 index rows
# (made with sqlite3 in a copy of the real index): the median of 7 runs
# each by teacher, by school and by year. Figures, not assertions.
#   archive.sh [N]
set -u
n=${1:-1000}
cd "$(dirname "$0")/.."
. samples/pki.sh
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
export SOURCE_DATE_EPOCH=1474848000
pki_ca "$w/pki" "Bench CA" && pki_cert "$w/pki" school "XX县实验学校" && pki_cert "$w/pki" archive "Bench 档案室"
cp samples/school-xxsy.xml "$w/pki/SCHOOL.xml"
i=0
while [ $i -lt "$n" ]; do
  i=$((i + 1)); id=$(printf 'LX2016-%05d' $i)
  cp -R samples/li-chunyan "$w/s$i" && sed -i "s|LX2016-0007|$id|" "$w/s$i/placement.xml" "$w/s$i/assessment.xml"
done
t0=$(date +%s.%N)
build/dangan bundle "$w"/s*/ --school "$w/pki/SCHOOL.xml" -o "$w/B" >/dev/null 2>&1
t1=$(date +%s.%N)
mkdir -p "$w/A/trust" && cp "$w/pki/ca.pem" "$w/A/trust/"
printf '<archive xmlns="urn:dangan:1" prefix="黟教"><signer certificate="%s" key="%s"/></archive>\n' \
  "$w/pki/archive-cert.pem" "$w/pki/archive-key.pem" > "$w/A/archive.xml"
/usr/bin/time -f '%M %U %S' -o "$w/rss" build/dangan archive "$w/B" --into "$w/A" >/dev/null 2>&1
t2=$(date +%s.%N)
pdfs=$(cat "$w"/B/dossiers/*.pdf | wc -c)
filed_bytes=$(find "$w/A" -path "$w/A/reports" -prune -o -name '*.pdf' -exec cat {} + | wc -c)
kept=$(du -sb --exclude=trust --exclude=archive.xml "$w/A" | cut -f1)
filed=$(find "$w/A" -path "$w/A/reports" -prune -o -name '*.pdf' -print | wc -l)
echo "archive: $filed of $n dossiers; bundle $(echo "$n / ($t1 - $t0)" | bc -l | xargs printf '%.1f') dossiers/s," \
  "intake $(echo "$n / ($t2 - $t1)" | bc -l | xargs printf '%.1f') dossiers/s" \
  "($(echo "$n / $(awk '{ print $2 + $3 }' "$w/rss")" | bc -l | xargs printf '%.1f') per CPU second)," \
  "intake peak $(($(cut -d' ' -f1 "$w/rss") / 1024)) MiB"
echo "archive: per dossier, the 归档章 update (filed PDF − bundle PDF) $(( (filed_bytes - pdfs) / n )) B;" \
  "everything else kept (index row, folders, the bundle's manifest once) $(( (kept - filed_bytes) / n )) B"

# The audit: every file hashed, every signature verified, once.
m=$((n / 10)); [ $m -lt 1 ] && m=1
mkdir -p "$w/small/trust" && cp "$w/A/trust/"* "$w/small/trust/" && cp "$w/A/archive.xml" "$w/small/"
ls -d "$w"/s*/ | head -n "$m" | xargs build/dangan bundle --school "$w/pki/SCHOOL.xml" -o "$w/Bs" >/dev/null 2>&1
build/dangan archive "$w/Bs" --into "$w/small" >/dev/null 2>&1
t3=$(date +%s.%N)
/usr/bin/time -f '%M %U %S' -o "$w/arss" build/dangan audit "$w/A" >"$w/audit.txt" 2>&1; arc=$?
t4=$(date +%s.%N)
/usr/bin/time -f %M -o "$w/srss" build/dangan audit "$w/small" >/dev/null 2>&1
# Per CPU second as well: on a shared machine the wall clock waits for others.
cpu=$(awk '{ print $2 + $3 }' "$w/arss")
echo "archive: audit of $filed dossiers $(echo "$filed / ($t4 - $t3)" | bc -l | xargs printf '%.1f') dossiers/s wall," \
  "$(echo "$filed / $cpu" | bc -l | xargs printf '%.1f') per CPU second (exit $arc)," \
  "peak $(($(cut -d' ' -f1 "$w/arss") / 1024)) MiB; of $m dossiers peak $(($(cat "$w/srss") / 1024)) MiB"

# find over 100,000 rows: the real index copied, its rows multiplied
# (teachers from a list of surnames and given names, 40 schools, 16 years).
F="$w/F"; mkdir -p "$F/trust" && cp "$w/A/trust/"* "$F/trust/" && cp "$w/A/archive.xml" "$F/"
sqlite3 "$w/A/index.sqlite" ".backup '$F/index.sqlite'"
sqlite3 "$F/index.sqlite" <<'SQL'
DELETE FROM dossier WHERE rowid NOT IN (SELECT min(rowid) FROM dossier);
CREATE TEMP TABLE sur(i INTEGER PRIMARY KEY, s TEXT);
INSERT INTO sur(s) VALUES ('王'),('李'),('张'),('刘'),('陈'),('杨'),('黄'),('赵'),('吴'),('周'),('徐'),('孙'),('马'),('朱'),('胡'),('郭'),('何'),('高'),('林'),('罗');
CREATE TEMP TABLE giv(i INTEGER PRIMARY KEY, g TEXT);
INSERT INTO giv(g) VALUES ('伟'),('芳'),('娜'),('敏'),('静'),('丽'),('强'),('磊'),('军'),('洋'),('勇'),('艳'),('杰'),('娟'),('涛'),('明'),('超'),('秀英'),('霞'),('平'),('刚'),('桂英'),('春燕'),('晓明'),('建国');
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 100000)
INSERT INTO dossier (number, version, current, prefix, year, seq, placement_id, teacher, teacher_key, gender, home_school,
  school_key, base_school, profile, start, end, counts, score, outcome, hours, sha256, signer, filed_at, path, manifest)
SELECT printf('黟教-%d-%05d', 2010 + i % 16, i / 16 + 2), 1, 1, '黟教', 2010 + i % 16, i / 16 + 2, printf('P%06d', i),
  (SELECT s FROM sur WHERE sur.i = 1 + k.i % 20) || (SELECT g FROM giv WHERE giv.i = 1 + (k.i / 20) % 25),
  (SELECT s FROM sur WHERE sur.i = 1 + k.i % 20) || (SELECT g FROM giv WHERE giv.i = 1 + (k.i / 20) % 25),
  '女', printf('XX县第%d小学', 1 + (i / 7) % 40), printf('xx县第%d小学', 1 + (i / 7) % 40), 'XX县实验学校', profile,
  printf('%d-09-12', 2010 + i % 16), printf('%d-09-26', 2010 + i % 16), counts, score, outcome, hours,
  printf('%064x', i), signer, filed_at, printf('%d/x/%05d.pdf', 2010 + i % 16, i), manifest
FROM k, (SELECT * FROM dossier LIMIT 1);
SQL
rows=$(sqlite3 "$F/index.sqlite" "SELECT count(*) FROM dossier")
median_ms() {  # "WALL/CPU": the median wall and CPU (user + system) ms of 7 runs
  python3 - "$@" <<'PY'
import resource, statistics, subprocess, sys, time
wall, cpu = [], []
for _ in range(7):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t1 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall.append((t1 - t0) * 1000); cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
print("%.1f/%.1f" % (statistics.median(wall), statistics.median(cpu)))
PY
}
tq=$(median_ms build/dangan find --archive "$F" --teacher 李春燕)
sq=$(median_ms build/dangan find --archive "$F" --school 第17小学)
yq=$(median_ms build/dangan find --archive "$F" --year 2016)
fl=$(median_ms build/dangan --version)
nt=$(build/dangan find --archive "$F" --teacher 李春燕 2>/dev/null | wc -l)
ns=$(build/dangan find --archive "$F" --school 第17小学 2>/dev/null | wc -l)
ny=$(build/dangan find --archive "$F" --year 2016 2>/dev/null | wc -l)
# The query alone, as find runs it (archive_find.c), without the process.
sqlq() { printf '.timer on\n%s;\n' "$1" | sqlite3 "$F/index.sqlite" 2>&1 | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | tail -n 1 |
  awk '{ printf "%.1f", $1 * 1000 }'; }
q_t=$(sqlq "SELECT count(*) FROM dossier WHERE rowid IN (SELECT rowid FROM dossier WHERE instr(teacher_key, '李春燕') > 0 AND current = 1)")
q_y=$(sqlq "SELECT count(*) FROM dossier WHERE current = 1 AND year = 2016")
q_f=$(sqlq "SELECT count(*) FROM dossier NOT INDEXED WHERE instr(teacher_key, '李春燕') > 0 AND current = 1")
echo "archive: find over $rows rows, median of 7, wall/CPU ms: by teacher $tq ($nt rows), by school $sq ($ns rows)," \
  "by year $yq ($ny rows); the process alone (dangan --version) $fl;" \
  "the SQL alone: teacher $q_t ms (whole table scanned instead: $q_f ms), year $q_y ms; load average $(cut -d' ' -f1-3 /proc/loadavg)"
