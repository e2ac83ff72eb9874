#!/bin/sh
# Finding-code cases. Each folder tests/cases/NAME/ is a submission built by
# copying samples/<base>/ (file `base`, default li-chunyan), deleting the
# files listed in `remove`, and overlaying every other file of the case.
# `expect` holds one assertion per line:
#   exit N                 check's exit status
#   code CODE FILE:LINE    a finding with this code at this place
#   code CODE FILE         … in this file (any line)
#   code CODE              … anywhere
#   nocode CODE            no finding with this code
#   ncode CODE N           exactly N findings with this code
#   args ARG...            extra arguments for check (e.g. --profile x)
#   count KEY N            counts[KEY] == N in the JSON
#   message FILE:LINE TEXT the finding there says TEXT (with args --lang en:
#                          the English message)
#   nomessage FILE:LINE TEXT no finding there says TEXT
set -u
. "$(dirname "$0")/lib.sh"

for case in tests/cases/*/; do
  name=$(basename "$case")
  base=li-chunyan
  [ -f "$case/base" ] && base=$(cat "$case/base")
  dir="$tmp/$name"
  rm -rf "$dir"
  if [ "$base" = none ]; then mkdir -p "$dir"; else cp -R "samples/$base" "$dir"; fi
  if [ -f "$case/remove" ]; then
    while read -r f; do [ -n "$f" ] && rm -f "$dir/$f"; done < "$case/remove"
  fi
  for f in "$case"/* "$case"/.[!.]*; do
    [ -e "$f" ] || continue
    b=$(basename "$f")
    case "$b" in expect|base|remove|setup) continue ;; esac
    cp -R "$f" "$dir/"
  done
  # A case may need what files cannot hold (a symlink, a huge file).
  [ -f "$case/setup" ] && (cd "$dir" && sh "$OLDPWD/$case/setup")
  args=$(sed -n 's/^args //p' "$case/expect")
  # shellcheck disable=SC2086
  json=$("$bin" check --json "$dir" $args 2>"$tmp/stderr"); rc=$?
  while read -r kind a b; do
    case "$kind" in
      exit)
        if [ "$rc" = "$a" ]; then ok; else bad "$name" "exit $rc, expected $a $(cat "$tmp/stderr")"; fi ;;
      code)
        file=${b%%:*}; line=
        case "$b" in *:*) line=${b#*:} ;; esac
        q=".findings[] | select(.code == \"$a\")"
        [ -n "$file" ] && q="$q | select(.file == \"$file\")"
        [ -n "$line" ] && q="$q | select(.line == $line)"
        if [ -n "$(printf '%s' "$json" | jq -c "$q" 2>/dev/null)" ]; then ok
        else bad "$name" "no $a at ${b:-anywhere}; got: $(printf '%s' "$json" | jq -c '[.findings[] | [.code, .file, .line]]' 2>/dev/null || printf '%s' "$json")"; fi ;;
      nocode)
        if [ -z "$(printf '%s' "$json" | jq -c ".findings[] | select(.code == \"$a\")" 2>/dev/null)" ]; then ok
        else bad "$name" "unexpected $a"; fi ;;
      ncode)
        got=$(printf '%s' "$json" | jq "[.findings[] | select(.code == \"$a\")] | length" 2>/dev/null)
        if [ "$got" = "$b" ]; then ok; else bad "$name" "$got findings $a, expected $b"; fi ;;
      message)
        q=".findings[] | select(.file == \"${a%%:*}\" and .line == ${a#*:}) | .message"
        if printf '%s' "$json" | jq -r "$q" 2>/dev/null | grep -qF -- "$b"; then ok
        else bad "$name" "at $a no message with '$b'; got: $(printf '%s' "$json" | jq -r "$q" 2>/dev/null)"; fi ;;
      nomessage)
        q=".findings[] | select(.file == \"${a%%:*}\" and .line == ${a#*:}) | .message"
        if ! printf '%s' "$json" | jq -r "$q" 2>/dev/null | grep -qF -- "$b"; then ok
        else bad "$name" "at $a a message with '$b': $(printf '%s' "$json" | jq -r "$q" 2>/dev/null)"; fi ;;
      count)
        got=$(printf '%s' "$json" | jq ".counts[\"$a\"]" 2>/dev/null)
        if [ "$got" = "$b" ]; then ok; else bad "$name" "counts[$a] = $got, expected $b"; fi ;;
      args|"") ;;
      *) bad "$name" "unknown expectation '$kind'" ;;
    esac
  done < "$case/expect"
  # With --lang en nothing but the case's own data may be Chinese (issue 14).
  # shellcheck disable=SC2086
  "$bin" check "$dir" $args --lang en >"$tmp/en" 2>&1
  if python3 tests/tools/cjk_outside.py "$tmp/en" "$dir" templates/profiles templates/calendars templates/skeleton >"$tmp/cjk"; then ok
  else bad "$name" "--lang en: $(head -n 2 "$tmp/cjk")"; fi
done
echo "cases: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
