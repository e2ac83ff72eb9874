#!/bin/sh
# Prints the submission folders (of those given) whose base school
# (placement.xml's host/school) is the one SCHOOL.xml names: the samples a
# base school bundles, stamps and signs. Usage: of-school.sh SCHOOL.xml DIR...
set -eu
school=$(sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "$1")
shift
for d in "$@"; do
  host=$(sed -n '/<host>/,/<\/host>/s:.*<school>\(.*\)</school>.*:\1:p' "$d/placement.xml")
  [ "$host" = "$school" ] && echo "$d"
done
exit 0
