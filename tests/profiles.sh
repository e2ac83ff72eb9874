#!/bin/sh
# Every shipped profile has a sample that passes, and for each of its
# requirements a copy of that sample made short of it (tests/tools/shorten.py,
# at test time) fails with the finding code and rule the profile promises.
# Uses `check` only (no typesetting). Ends "profiles: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
short=tests/tools/shorten.py

# Each profile file must have exactly one sample, and it must pass.
for f in templates/profiles/*.xml; do
  id=$(basename "$f" .xml)
  s=$(grep -l "profile=\"$id\"" samples/*/placement.xml | wc -l)
  [ "$s" -eq 1 ] && ok || bad "$id: $s samples, one expected"
done
for d in samples/*/; do
  $bin check --json "$d" > "$tmp/j" 2>&1
  rc=$?
  [ $rc -eq 0 ] && jq -e '.ok and (.findings | length == 0)' "$tmp/j" >/dev/null && ok \
    || bad "$d: the sample must pass with no finding (rc $rc): $(jq -c '[.findings[] | .code + " " + .rule]' "$tmp/j" 2>/dev/null)"
done

# Cases are collected first, then every copy is made by one python process
# and judged by one `check --json` run (schemas compiled once), so the
# whole file takes a few seconds, not one process start per case.
n=0
: > "$tmp/ops"
: > "$tmp/cases"
add() {  # add KIND SAMPLE ARG OP...: one copy, one expectation
  kind=$1 sample=$2 arg=$3
  shift 3
  n=$((n + 1))
  cp -R "samples/$sample" "$tmp/c$n"
  echo "$tmp/c$n $*" >> "$tmp/ops"
  printf '%s\t%s\t%s\t%s\t%s\n' "$tmp/c$n" "$kind" "$arg" "$sample" "$*" >> "$tmp/cases"
}
# short SAMPLE CODE RULE OP...: fails with a finding CODE whose rule is RULE.
short() { s=$1 c=$2 r=$3; shift 3; add short "$s" "$c $r" "$@"; }
# passes SAMPLE OP...: still passes (a condition that does not apply).
passes() { s=$1; shift; add passes "$s" - "$@"; }
# award SAMPLE JQ OP...: check --json of the copy satisfies JQ.
award() { s=$1 e=$2; shift 2; add award "$s" "$e" "$@"; }

# lx-backbone-2016 (li-chunyan): 学历 by 学段
short li-chunyan eligibility.fail "teacher.education in set" text:teacher/stage=初中 text:teacher/education=大专
passes li-chunyan text:teacher/stage=小学 text:teacher/education=大专
# no 学段 given: held to both variants, so 大专 falls short of the 初中 one
short li-chunyan eligibility.fail "teacher.education in set" text:teacher/education=大专
short li-chunyan count.short "observation>=20" drop:observation

# yixian-2022 (wang-lihua)
short wang-lihua eligibility.fail "teacher.years-at-school>=6" text:teacher/years-at-school=5
short wang-lihua length.short "period.days>=min" attr:period@end=2022-03-15 drop:observation drop:lesson drop:day drop:reflection
short wang-lihua rate.short "observation>=5/week" drop:observation
short wang-lihua comment.missing "observation/comment" strip:observation/comment
short wang-lihua rate.short "lesson>=0.5*host/class-periods" drop:lesson@kind=regular
short wang-lihua count.short "lesson.report>=1" drop:lesson@kind=report
short wang-lihua count.short "reflection.summary>=1" drop:reflection@kind=summary

# tongyu-2012-trainee (sun-hongyan)
short sun-hongyan eligibility.fail "teacher.age<=35" text:teacher/born=1970-01
short sun-hongyan eligibility.fail "teacher.teaching-years<=8" text:teacher/work-start=2000-09
short sun-hongyan rate.short "observation>=30/semester" drop:observation
short sun-hongyan rate.short "lesson.report>=2/semester" drop:lesson@kind=report
short sun-hongyan rate.short "reflection.summary>=1/semester" drop:reflection@kind=summary
short sun-hongyan rate.short "reflection.duty>=1/year" drop:reflection@kind=duty
short sun-hongyan score.fail "score>=70" text:assessment/score=65

# tongyu-2012-support (zhao-zhigang), and its award table
short zhao-zhigang length.short "period.days>=min" attr:period@end=2013-01-18 drop:observation drop:lesson drop:day drop:reflection
short zhao-zhigang rate.short "lesson.demo|open>=1/semester" drop:lesson
short zhao-zhigang rate.short "activity.talk>=1/semester" drop:activity@kind=talk
short zhao-zhigang rate.short "activity.prep>=1/semester" drop:activity@kind=prep
short zhao-zhigang rate.short "observation>=30/semester" drop:observation
short zhao-zhigang comment.missing "observation/comment" strip:observation/comment
short zhao-zhigang rate.short "reflection.analysis>=1/semester" drop:reflection@kind=analysis
short zhao-zhigang rate.short "activity.seminar>=1/year" drop:activity@kind=seminar
short zhao-zhigang rate.short "reflection.duty>=1/year" drop:reflection@kind=duty
short zhao-zhigang score.fail "score>=70" text:assessment/score=69
award zhao-zhigang '.points == 2 and .allowance == {"township":"瞻榆","max":10000,"amount":10000}'
award zhao-zhigang '.points == 1 and .allowance.max == 15000 and .allowance.amount == 9000' text:host/township=团结 text:assessment/score=75
award zhao-zhigang '.allowance.max == 5000 and .allowance.amount == 5000' text:host/township=鸿兴
award zhao-zhigang '.points == 0 and .allowance.amount == 0' text:assessment/score=50
award zhao-zhigang '.points == 2 and .allowance == null' drop:township

# zoujiao-teacher (liu-yang), zoujiao-master (chen-jing)
short liu-yang rate.short "lesson@other-school>=6/week" unset:lesson@school
short liu-yang rate.short "lesson@other-school>=6/week" drop:lesson@topic=none attr:lesson@school=大团逸夫学校 drop:lesson@period=4
short chen-jing rate.short "lesson@other-school>=2/week" unset:lesson@school

# gangkou-urban-to-rural (huang-wei): 带徒, 技能比赛, age by gender
short huang-wei rate.short "lesson.open|demo>=2/semester" drop:lesson
short huang-wei length.short "hanzi(reflection.survey)>=5000" short:reflection@kind=survey
short huang-wei count.short "mentee.teacher>=1" drop:mentee
short huang-wei count.short "activity.contest>=1" drop:activity@kind=contest
short huang-wei eligibility.fail "teacher.age<=55" text:teacher/born=1960-01
short huang-wei eligibility.fail "teacher.age<=50" text:teacher/gender=女 text:teacher/born=1964-01
passes huang-wei text:teacher/born=1964-01

# gangkou-rural-to-urban (li-mei)
short li-mei count.short "lesson.open>=2" drop:lesson
short li-mei length.short "hanzi(day+reflection.notes)>=10000" short:day

# puer-2024-helper (yang-fan)
short yang-fan rate.short "lesson.open|demo>=2/semester" drop:lesson
short yang-fan comment.missing "observation/comment" strip:observation/comment
short yang-fan count.short "mentee.teacher>=3" drop:mentee@kind=teacher
short yang-fan count.short "mentee.student>=1" drop:mentee@kind=student
short yang-fan rate.short "activity.joint>=2/semester" drop:activity@kind=joint
short yang-fan rate.short "activity.forum>=2/year" drop:activity@kind=forum

# henan-2021-backbone (zhang-lei)
short zhang-lei count.short "activity.training>=15" drop:activity@kind=training
short zhang-lei count.short "study.hours>=60" attr:study@hours=1
short zhang-lei count.short "lesson[process+record+afterthought]>=1" strip:lesson/record
short zhang-lei count.short "reflection.development>=1" drop:reflection

# henan-2021-rural (guo-xiaoli)
short guo-xiaoli eligibility.fail "teacher.teaching-years>=5" text:teacher/work-start=2019-09
short guo-xiaoli count.short "day>=15" drop:day
short guo-xiaoli count.short "study.hours>=30" attr:study@hours=1
short guo-xiaoli count.short "lesson.demo>=1" drop:lesson

# henan-2021-newteacher (ma-xin)
short ma-xin length.short "period.days>=min" attr:period@end=2022-01-14 drop:day drop:lesson drop:study
short ma-xin count.short "study.hours>=50" attr:study@hours=1
short ma-xin count.short "lesson.standard[process+record+afterthought]>=1" strip:lesson/afterthought

# henan-2021-trainer-county (feng-jun)
short feng-jun count.short "activity.training>=20" drop:activity@kind=training
short feng-jun count.short "study.hours>=100" attr:study@hours=1
short feng-jun count.short "reflection.talk|plan|case>=1" drop:reflection

# The loader's new records: a mentoring ending before it starts, a course
# outside the period (a Saturday inside it is fine: the sample has some).
short yang-fan date.outside "mentee from<=to" attr:mentee@to=2024-01-02
short zhang-lei date.outside "date in period" attr:study@date=2022-01-10
# counts: lessons at another school, mentees by kind, study hours, from the files.
away=$(grep -c '<lesson [^>]*school=' samples/liu-yang/lessons.xml)
award liu-yang ".counts[\"lesson.other-school\"] == $away and .counts.lesson == $away"
mt=$(grep -c 'kind="teacher"' samples/yang-fan/mentoring.xml) ms=$(grep -c 'kind="student"' samples/yang-fan/mentoring.xml)
award yang-fan ".counts[\"mentee.teacher\"] == $mt and .counts[\"mentee.student\"] == $ms and .counts.mentee == $((mt + ms))"
hrs=$(sed -n 's/.* hours="\([0-9]*\)".*/\1/p' samples/zhang-lei/studies.xml | awk '{s += $1} END {print s}')
award zhang-lei ".counts[\"study.hours\"] == $hrs and .counts.study == $(grep -c '<study ' samples/zhang-lei/studies.xml)"

python3 $short --batch "$tmp/ops"
$bin check --json $(cut -f1 "$tmp/cases") > "$tmp/all.jsonl" 2>"$tmp/err"
[ -s "$tmp/err" ] && bad "check wrote to stderr: $(head -3 "$tmp/err")"
while IFS="$(printf '\t')" read -r dir kind arg sample ops; do
  jq -c --arg d "$dir" 'select(.submission == $d)' "$tmp/all.jsonl" > "$tmp/j"
  got=$(jq -c '[.findings[] | .code + " " + .rule]' "$tmp/j")
  case $kind in
  short)
    code=${arg%% *} rule=${arg#* }
    jq -e --arg c "$code" --arg r "$rule" '(.ok | not) and any(.findings[]; .code == $c and .rule == $r)' "$tmp/j" >/dev/null \
      && ok || bad "$sample $ops: expected $code $rule, got $got" ;;
  passes)
    jq -e '.ok and (.findings | length == 0)' "$tmp/j" >/dev/null && ok || bad "$sample $ops: should still pass, got $got" ;;
  award)
    jq -e "$arg" "$tmp/j" >/dev/null && ok || bad "$sample $ops: expected $arg, got $(jq -c '{points, allowance}' "$tmp/j")" ;;
  esac
done < "$tmp/cases"
[ "$(wc -l < "$tmp/all.jsonl")" -eq "$n" ] && ok || bad "check judged $(wc -l < "$tmp/all.jsonl") of $n copies"

# A profile whose condition is on a number (not 性别, 学段 …) is refused, with its line.
mkdir -p "$tmp/home" && cp -R templates fonts "$tmp/home/"
sed -i 's/if-field="gender"/if-field="age"/' "$tmp/home/templates/profiles/gangkou-urban-to-rural.xml"
DANGAN_HOME="$tmp/home" $bin check samples/huang-wei > "$tmp/o" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q 'gangkou-urban-to-rural.xml:[0-9]*: .*<eligible>' "$tmp/o" && ok || bad "numeric if-field: exit $rc, $(cat "$tmp/o")"

echo "profiles: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
