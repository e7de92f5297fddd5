"""Reference numbers from R for the estimation tests (statsmodels habit: numbers beside their origin).

Origin: /work/shared/data/mse/README.md, section "Files", column "verified here": the data team ran
the original R packages (built from source, R 4.2.2, Debian) on exactly the CSV files in
/work/shared/data/mse/ and recorded these numbers on 2026-11-25:

* Rcapture 1.4-4 (cran/Rcapture @ b536c826)
  - Kosovo (kosovo_aggregate_patterns.csv): closedpMS.t(maxorder = 3), BIC-best model
    [EXH·ABA·OSCE, EXH·HRW, OSCE·HRW]: abundance 10,356.5, stderr 785.9;
    closedpCI.t on that model: profile-likelihood 95% CI 8,994 to 12,110.
  - HIV (rcapture_HIV.csv): closedpCI.t(mX = ~ . + c1:c2): 12,318.5 (SE 1,188.7),
    profile CI 10,266 to 14,992.
  - hare (rcapture_hare.csv): Mth Poisson2 81.08 (SE 5.57).
  - lesbian (rcapture_lesbian.csv): Mth Darroch 6,963.7 (SE 650.1).
  - CARE1 HAV (care1_HAV.csv): Mth Chao 478.7.
Each entry: file, our --model string, estimate, SE, (CI lo, CI hi) or None, significant figures given.
"""

DATA_DIR = "/work/shared/data/mse"

RCAPTURE = [
    # id, file, model, estimate, se, profile CI
    ("kosovo_bic", "kosovo_aggregate_patterns.csv", "EXH*ABA*OSCE + EXH*HRW + OSCE*HRW", 10356.5, 785.9, (8994, 12110)),
    ("hiv_c1c2", "rcapture_HIV.csv", "c1:c2", 12318.5, 1188.7, (10266, 14992)),
    ("hare_mth_poisson2", "rcapture_hare.csv", "Mth Poisson2", 81.08, 5.57, None),
    ("lesbian_mth_darroch", "rcapture_lesbian.csv", "Mth Darroch", 6963.7, 650.1, None),
    ("hav_mth_chao", "care1_HAV.csv", "Mth Chao", 478.7, None, None),
]

#: The BIC-best model Rcapture's closedpMS.t (maxorder = t - 1 = 3) picks for Kosovo, in our naming.
KOSOVO_BIC_BEST = "[EXH·ABA·OSCE, EXH·HRW, OSCE·HRW]"
