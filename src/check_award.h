/* check_award.h — what a score band pays out: bonus points (加分) and an
 * allowance (津贴) whose maximum depends on the base school's township,
 * from the profile's <score> bands and <allowance> table.
 * Takes: the submission, its profile, the band its score fell in. Gives:
 * verdict.points / allowance_max / allowance, and the lines the check
 * report and the dossier print under the requirements. Outcomes, not
 * requirements: nothing here adds a finding. */
#ifndef DANGAN_AWARD_H
#define DANGAN_AWARD_H

#include "load_profile.h"
#include "check_rules.h"
#include "load_submission.h"

/* Fills v's points and allowance for band b (NULL: not judged). */
void award_compute(const submission *s, const profile *p, const band *b, verdict *v);

typedef struct award_row {
    char label[64], required[512], actual[128];
} award_row;
/* "90 分以上", "70—89 分", "69 分以下": the score range of band i. */
size_t award_band_range(const profile *p, int i, char *buf, size_t len);

/* One line each for points and allowance, when the profile has them. */
int award_rows(const submission *s, const profile *p, const verdict *v, award_row out[2]);

#endif
