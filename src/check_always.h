/* check_always.h — the checks of spec §3 that hold whatever the program
 * profile demands. Takes: a loaded submission, its profile (only for the
 * kinds of reflection it lets the teacher write after the placement, and
 * how long after), the calendar. Gives: findings — date.outside (a record
 * or absence outside the period; a reflection outside the period and its
 * due window; a period ending before it starts), date.holiday (a working
 * record on a holiday or weekend that is not a make-up working day),
 * date.clash (two observations or lessons in one date and period; two
 * journal days of one date), ref.missing (a figure whose image is missing,
 * outside the folder or not decodable as build would decode it) and
 * calendar.unverified (a warning per year whose holiday data is missing or
 * unchecked). Adds nothing to the verdict; reads no file but the figures. */
#ifndef DANGAN_ALWAYS_H
#define DANGAN_ALWAYS_H

#include "check_findings.h"
#include "load_calendar.h"
#include "load_profile.h"
#include "load_submission.h"

/* Nothing when s has no placement.xml (its absence is already a finding);
 * only the period's own finding when it ends before it starts. */
void checks_always(const submission *s, const profile *p, const calendar *cal, findings *f);

#endif
