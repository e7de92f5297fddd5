"""R LCMCR on the study's simulated heterogeneous tables (reference for the LCMCR port and the study).

Origin: run here on 2026-11-25 by the estimation engineer. R 4.2.2 (Debian), LCMCR 0.4.14 built from
cran/LCMCR (the GitHub mirror of CRAN) into a private library. Tables:
``uncounted.simulate.study.simulate_scenario(name, seed)`` for ``heterogeneous5`` (h5, 5 lists)
and ``heterogeneous`` (h4, 4 lists), seeds 0-5, written with ``to_frame('Freq')`` (zero rows
dropped); truth N = 2,000 for all. R script (per table)::

    d <- read.csv(f); for (j in 1:k) d[[j]] <- factor(d[[j]], levels = c("0", "1"))
    s <- lcmCR(captures = d, tabular = TRUE, K = 10, a_alpha = 0.25, b_alpha = 0.25, seed = 1,
               buffer_size = 10000, thinning = 100, in_list_label = "1", not_in_list_label = "0")
    N <- lcmCR_PostSampl(s, burnin = 10000, samples = 1000, thinning = 100, output = FALSE)
    quantile(N, c(0.025, 0.5, 0.975))

Our port (``get_estimator("lcmcr", seed=1)``, default settings, 4 chains) on the same tables, same run:
h5 seeds 0-5 medians 1,736 / 1,813 / 1,822 / 1,852 / 1,803 / 1,922; h4 seeds 3-5: 1,837 / 1,728 / 1,876.
Both under-cover the truth (R: 7 of 12 intervals contain 2,000): a property of the method on these
tables, not of the port.
"""

TRUTH = 2000

# (scenario, seed): (observed n, R 2.5%, R median, R 97.5%)
R_LCMCR = {
    ("heterogeneous5", 0): (1413, 1647, 1726, 1861),
    ("heterogeneous5", 1): (1393, 1707, 1814, 2069.1),
    ("heterogeneous5", 2): (1415, 1731, 1817, 1956),
    ("heterogeneous5", 3): (1403, 1737, 1868, 2140.3),
    ("heterogeneous5", 4): (1411, 1703, 1801, 2006),
    ("heterogeneous5", 5): (1396, 1759, 1937, 2451.2),
    ("heterogeneous", 0): (1301, 1589, 1648, 1744),
    ("heterogeneous", 1): (1270, 1695.9, 1841, 2173.1),
    ("heterogeneous", 2): (1268, 1615, 1722, 1970),
    ("heterogeneous", 3): (1278, 1664, 1839, 2288.1),
    ("heterogeneous", 4): (1299, 1630, 1732, 1896),
    ("heterogeneous", 5): (1296, 1675.9, 1877, 2334.2),
}
