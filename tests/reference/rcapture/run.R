.libPaths(c("/tmp/rlib", .libPaths()))
suppressMessages(library(Rcapture))
D <- "/work/shared/data/mse/"
rd <- function(f) { d <- read.csv(paste0(D, f)); if (!any(tolower(names(d)[ncol(d)]) %in% c("freq","count","n"))) { d$freq <- 1 }; d }
# 1. closedpMS.t Kosovo: all models
k <- rd("kosovo_aggregate_patterns.csv")
ms <- closedpMS.t(k, dfreq = TRUE, maxorder = 3)
write.csv(ms$results, "/tmp/rc/kosovo_ms.csv")
# 2. closedp.t standard models on several tables
for (f in c("rcapture_lesbian.csv", "rcapture_HIV.csv", "care1_HAV.csv", "care1_Diabetes.csv", "rcapture_hare.csv", "gaza_2023_2024_3list_patterns.csv")) {
  d <- rd(f)
  r <- closedp.t(d, dfreq = TRUE)
  write.csv(r$results, paste0("/tmp/rc/closedp_", f))
}
# 3. profile CIs
cis <- list(
  c("rcapture_lesbian.csv", "Mth", "Darroch"),
  c("rcapture_hare.csv", "Mth", "Poisson"),
  c("care1_HAV.csv", "Mth", "Chao"),
  c("rcapture_lesbian.csv", "Mh", "Chao"),
  c("care1_Diabetes.csv", "Mt", "none")
)
out <- NULL
for (ci in cis) {
  d <- rd(ci[1])
  r <- if (ci[3] == "none") closedpCI.t(d, dfreq = TRUE, m = ci[2]) else closedpCI.t(d, dfreq = TRUE, m = ci[2], h = ci[3])
  out <- rbind(out, data.frame(file = ci[1], m = ci[2], h = ci[3], N = r$results[1, "abundance"], se = r$results[1, "stderr"],
                               lo = r$CI[1, "infCL"], hi = r$CI[1, "supCL"]))
}
write.csv(out, "/tmp/rc/profile.csv", row.names = FALSE)
# 4. 5-list closedpMS.t Congenital, BIC best
c5 <- rd("care1_Congenital.csv")
ms5 <- closedpMS.t(c5, dfreq = TRUE, maxorder = 4)
res5 <- ms5$results[order(ms5$results[, "BIC"]), ]
write.csv(res5[1:20, ], "/tmp/rc/congenital_ms_top.csv")
cat(nrow(ms5$results), "\n")
