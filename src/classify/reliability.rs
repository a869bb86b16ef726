//! Reliability arithmetic of docs/tier-rules.md §3, for illustrative figures only: never a tier input
//! (Uptime gives MTBF analysis no role, §2.9).
//!
//! Assumptions throughout: constant failure rate (the flat bottom of the bathtub curve) and
//! independent failures. Common-cause failures break independence; the SPOF analysis is what
//! catches those, so these numbers must be shown next to it, not instead of it.
//!
//! Every function validates its inputs and returns an error instead of a NaN or a panic.

use thiserror::Error;

/// Hours in the year used for annual downtime: 365 × 24, no leap-year averaging (8 766 h would
/// average leap years). The UI must say which year it used.
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// Datasheet unrecoverable-read-error rate of enterprise drives, per bit read.
pub const URE_ENTERPRISE: f64 = 1e-15;
/// Datasheet unrecoverable-read-error rate of consumer drives, per bit read.
pub const URE_CONSUMER: f64 = 1e-14;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ReliabilityError {
    #[error("{what} must be a positive number of hours, got {value}")]
    NotPositive { what: &'static str, value: f64 },
    #[error("{what} must be zero or more, got {value}")]
    Negative { what: &'static str, value: f64 },
    #[error("{what} must be a probability between 0 and 1, got {value}")]
    NotProbability { what: &'static str, value: f64 },
    #[error("k-of-n needs k <= n, got k = {k}, n = {n}")]
    KOfN { k: u32, n: u32 },
}

pub type Result<T> = std::result::Result<T, ReliabilityError>;

fn positive(what: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(ReliabilityError::NotPositive { what, value })
    }
}

fn non_negative(what: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(ReliabilityError::Negative { what, value })
    }
}

fn probability(what: &'static str, value: f64) -> Result<f64> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(ReliabilityError::NotProbability { what, value })
    }
}

/// λ = 1 / MTBF, per hour.
pub fn failure_rate(mtbf_h: f64) -> Result<f64> {
    Ok(1.0 / positive("MTBF", mtbf_h)?)
}

/// R(t) = e^(−t/MTBF): probability of no failure during a mission of `t_h` hours.
pub fn reliability(mtbf_h: f64, t_h: f64) -> Result<f64> {
    let lambda = failure_rate(mtbf_h)?;
    Ok((-lambda * non_negative("mission time", t_h)?).exp())
}

/// F(t) = 1 − R(t), computed with `expm1` so short missions keep their digits.
pub fn unreliability(mtbf_h: f64, t_h: f64) -> Result<f64> {
    let lambda = failure_rate(mtbf_h)?;
    Ok(-(-lambda * non_negative("mission time", t_h)?).exp_m1())
}

/// A = MTBF / (MTBF + MTTR). Some agents report MTBF = MTTF + MTTR; pass MTTF then.
pub fn inherent_availability(mtbf_h: f64, mttr_h: f64) -> Result<f64> {
    let mtbf = positive("MTBF", mtbf_h)?;
    let mttr = non_negative("MTTR", mttr_h)?;
    Ok(mtbf / (mtbf + mttr))
}

/// All needed: Π p_i. Works for availabilities and reliabilities alike; an empty series is
/// the identity (1).
pub fn series(parts: &[f64]) -> Result<f64> {
    parts.iter().try_fold(1.0, |acc, &p| {
        Ok(acc * probability("component probability", p)?)
    })
}

/// Any one suffices: 1 − Π (1 − p_i). An empty parallel group never works (0).
pub fn parallel(parts: &[f64]) -> Result<f64> {
    let q = parts.iter().try_fold(1.0, |acc, &p| {
        Ok(acc * (1.0 - probability("component probability", p)?))
    })?;
    Ok(1.0 - q)
}

/// MTBF of a series chain: 1 / Σ (1 / MTBF_i). An empty chain has no MTBF and is an error.
pub fn series_mtbf(mtbfs: &[f64]) -> Result<f64> {
    let rate = mtbfs
        .iter()
        .try_fold(0.0, |acc, &m| Ok(acc + failure_rate(m)?))?;
    positive("series MTBF", 1.0 / rate)
}

/// Unreliability of a k-of-n group of identical units, each failing with probability `q`:
/// Q_sys = Σ_{j=n−k+1..n} C(n,j) q^j (1−q)^(n−j).
///
/// Taking `q` rather than `r` is deliberate: for r ≈ 1, 1 − r has already lost the digits
/// that matter, and summing the success side cancels catastrophically (Rushdi). Terms are
/// summed smallest-first (from j = n down) in log space so large n does not overflow C(n,j).
pub fn k_of_n_unreliability(k: u32, n: u32, q: f64) -> Result<f64> {
    let q = probability("unit unreliability", q)?;
    if k > n {
        return Err(ReliabilityError::KOfN { k, n });
    }
    if k == 0 || q == 0.0 {
        return Ok(0.0);
    }
    if q == 1.0 {
        return Ok(1.0);
    }
    let (ln_q, ln_r) = (q.ln(), (-q).ln_1p());
    let mut ln_choose = 0.0; // ln C(n, n)
    let mut sum = 0.0;
    let mut j = n;
    loop {
        let term = ln_choose + f64::from(j) * ln_q + f64::from(n - j) * ln_r;
        sum += term.exp();
        if j == n - k + 1 {
            break;
        }
        // C(n, j−1) = C(n, j) · j / (n − j + 1)
        ln_choose += f64::from(j).ln() - f64::from(n - j + 1).ln();
        j -= 1;
    }
    Ok(sum.clamp(0.0, 1.0))
}

/// Reliability (or availability) of a k-of-n group of identical units of reliability `r`.
/// Prefer [`k_of_n_unreliability`] when you have the unit unreliability directly.
pub fn k_of_n(k: u32, n: u32, r: f64) -> Result<f64> {
    let r = probability("unit reliability", r)?;
    Ok(1.0 - k_of_n_unreliability(k, n, 1.0 - r)?)
}

/// Annual downtime in hours for availability `a`, over a 8 760 h year ([`HOURS_PER_YEAR`]).
pub fn annual_downtime_h(a: f64) -> Result<f64> {
    Ok((1.0 - probability("availability", a)?) * HOURS_PER_YEAR)
}

/// Annual downtime in hours from the unavailability, which keeps the digits for A ≈ 1.
/// 8 760 h year ([`HOURS_PER_YEAR`]).
pub fn annual_downtime_h_from_unavailability(u: f64) -> Result<f64> {
    Ok(probability("unavailability", u)? * HOURS_PER_YEAR)
}

/// Annual downtime in minutes for availability `a`, over a 8 760 h year.
pub fn annual_downtime_min(a: f64) -> Result<f64> {
    Ok(annual_downtime_h(a)? * 60.0)
}

/// One unit running, one cold spare, perfect switch: R = e^(−λt)(1 + λt).
pub fn cold_standby(mtbf_h: f64, t_h: f64) -> Result<f64> {
    let lt = failure_rate(mtbf_h)? * non_negative("mission time", t_h)?;
    Ok(((-lt).exp() * (1.0 + lt)).clamp(0.0, 1.0))
}

/// Probability that one of `drives_at_risk` further drives fails during a rebuild of
/// `rebuild_h` hours: 1 − e^(−drives·T_r/MTTF).
pub fn rebuild_second_failure(drives_at_risk: u32, rebuild_h: f64, mttf_h: f64) -> Result<f64> {
    let lambda = failure_rate(mttf_h)?;
    let t = non_negative("rebuild time", rebuild_h)?;
    Ok(-(-f64::from(drives_at_risk) * t * lambda).exp_m1())
}

/// RAID5 of `n` drives: every survivor is read and any second loss is fatal.
pub fn raid5_second_failure(n: u32, rebuild_h: f64, mttf_h: f64) -> Result<f64> {
    rebuild_second_failure(n.saturating_sub(1), rebuild_h, mttf_h)
}

/// RAID10 (2-way mirrors): only the partner of the failed drive matters.
pub fn raid10_second_failure(rebuild_h: f64, mttf_h: f64) -> Result<f64> {
    rebuild_second_failure(1, rebuild_h, mttf_h)
}

/// Bits read when `drives_read` drives of `drive_tb` decimal terabytes are read end to end.
pub fn bits_read(drives_read: u32, drive_tb: f64) -> Result<f64> {
    Ok(f64::from(drives_read) * non_negative("drive size", drive_tb)? * 1e12 * 8.0)
}

/// P_URE = 1 − (1 − p_bit)^bits ≈ 1 − e^(−bits·p_bit). Datasheet rates are worst case; field
/// rates are often better, so label the result datasheet-based.
pub fn ure_probability(bits: f64, p_bit: f64) -> Result<f64> {
    let bits = non_negative("bits read", bits)?;
    let p = probability("URE rate per bit", p_bit)?;
    Ok(-(-bits * p).exp_m1())
}

/// P_loss ≈ 1 − (1 − P₂)(1 − P_URE): either event during a single-parity rebuild loses data.
pub fn rebuild_loss(p_second: f64, p_ure: f64) -> Result<f64> {
    let p2 = probability("second-drive probability", p_second)?;
    let pu = probability("URE probability", p_ure)?;
    Ok(1.0 - (1.0 - p2) * (1.0 - pu))
}

/// RAID5 mean time to data loss ≈ MTTF² / (n(n−1)·MTTR), hours. `n` must be at least 2.
pub fn raid5_mttdl(n: u32, mttf_h: f64, mttr_h: f64) -> Result<f64> {
    let mttf = positive("MTTF", mttf_h)?;
    let mttr = positive("MTTR", mttr_h)?;
    if n < 2 {
        return Err(ReliabilityError::KOfN { k: 2, n });
    }
    let n = f64::from(n);
    positive("MTTDL", mttf * mttf / (n * (n - 1.0) * mttr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn w1_one_year_at_100k_hours() {
        assert!(close(failure_rate(100_000.0).unwrap(), 1.0e-5, 1e-18));
        let r = reliability(100_000.0, HOURS_PER_YEAR).unwrap();
        assert!(close(r, 0.91613, 5e-6), "{r}");
        assert!(close(
            unreliability(100_000.0, HOURS_PER_YEAR).unwrap(),
            1.0 - r,
            1e-15
        ));
    }

    #[test]
    fn w2_ups_module_availability_and_downtime() {
        let a = inherent_availability(50_000.0, 8.0).unwrap();
        assert!(close(a, 0.9998400, 5e-8), "{a}");
        let h = annual_downtime_h(a).unwrap();
        assert!(close(h, 1.40, 0.005), "{h}");
        let m = annual_downtime_min(a).unwrap();
        assert!(close(m, 84.1, 0.05), "{m}");
    }

    #[test]
    fn w3_n_plus_1_group_in_series_with_a_spof() {
        let u = k_of_n_unreliability(2, 3, 1e-4).unwrap();
        assert!(close(u, 2.9998e-8, 1e-12), "{u}");
        let a = 1.0 - u;
        assert!(close(a, 0.99999997, 5e-9), "{a}");
        let s = annual_downtime_h_from_unavailability(u).unwrap() * 3600.0;
        assert!(close(s, 0.95, 0.005), "{s}");
        let total = series(&[a, 0.99995]).unwrap();
        assert!(close(total, 0.99994997, 5e-9), "{total}");
        let min = annual_downtime_min(total).unwrap();
        assert!(close(min, 26.3, 0.05), "{min}");
        let pair = k_of_n_unreliability(1, 2, 1e-4).unwrap();
        let pair_s = annual_downtime_h_from_unavailability(pair).unwrap() * 3600.0;
        assert!(close(pair_s, 0.32, 0.005), "{pair_s}");
    }

    #[test]
    fn w4_raid5_and_raid10_rebuild_risk() {
        let p2 = raid5_second_failure(6, 24.0, 1.2e6).unwrap();
        assert!(close(p2, 1.0e-4, 5e-7), "{p2}");
        let bits = bits_read(5, 8.0).unwrap();
        assert!(close(bits, 3.2e14, 1.0), "{bits}");
        let ure_ent = ure_probability(bits, URE_ENTERPRISE).unwrap();
        assert!(close(ure_ent, 0.274, 0.0005), "{ure_ent}");
        let ure_con = ure_probability(bits, URE_CONSUMER).unwrap();
        assert!(close(ure_con, 0.959, 0.0005), "{ure_con}");
        let loss = rebuild_loss(p2, ure_ent).unwrap();
        assert!(close(loss, 0.274, 0.0005), "{loss}");
        let p2_10 = raid10_second_failure(24.0, 1.2e6).unwrap();
        assert!(close(p2_10, 2.0e-5, 5e-8), "{p2_10}");
        let ure_10 = ure_probability(bits_read(1, 8.0).unwrap(), URE_ENTERPRISE).unwrap();
        assert!(close(ure_10, 0.062, 0.0005), "{ure_10}");
    }

    #[test]
    fn w5_k_of_n_and_mission_reliability() {
        let r = k_of_n(3, 4, 0.9).unwrap();
        assert!(close(r, 0.9477, 5e-5), "{r}");
        let g = reliability(20_000.0, 72.0).unwrap();
        assert!(close(g, 0.99641, 5e-6), "{g}");
        let pair = parallel(&[g, g]).unwrap();
        assert!(close(pair, 0.999987, 5e-7), "{pair}");
        assert!(close(k_of_n(1, 2, g).unwrap(), pair, 1e-12));
    }

    #[test]
    fn cold_standby_beats_a_single_unit() {
        let one = reliability(20_000.0, 72.0).unwrap();
        let cold = cold_standby(20_000.0, 72.0).unwrap();
        assert!(cold > one && cold <= 1.0);
        assert_eq!(cold_standby(20_000.0, 0.0).unwrap(), 1.0);
    }

    #[test]
    fn series_mtbf_adds_rates() {
        let m = series_mtbf(&[100_000.0, 100_000.0]).unwrap();
        assert!(close(m, 50_000.0, 1e-6));
        assert!(series_mtbf(&[]).is_err());
    }

    #[test]
    fn raid5_mttdl_classic_approximation() {
        let h = raid5_mttdl(6, 1.2e6, 24.0).unwrap();
        assert!(close(h, 1.2e6 * 1.2e6 / (30.0 * 24.0), 1e-3));
        assert!(raid5_mttdl(1, 1.2e6, 24.0).is_err());
    }

    #[test]
    fn invalid_inputs_are_errors_not_nans() {
        assert!(failure_rate(-1.0).is_err());
        assert!(failure_rate(0.0).is_err());
        assert!(failure_rate(f64::NAN).is_err());
        assert!(reliability(1000.0, -1.0).is_err());
        assert!(inherent_availability(1000.0, -2.0).is_err());
        assert!(inherent_availability(f64::INFINITY, 2.0).is_err());
        assert!(series(&[0.5, 1.5]).is_err());
        assert!(parallel(&[f64::NAN]).is_err());
        assert!(k_of_n(3, 2, 0.9).is_err());
        assert!(k_of_n(1, 2, -0.1).is_err());
        assert!(annual_downtime_h(2.0).is_err());
        assert!(ure_probability(-1.0, 1e-15).is_err());
        assert!(ure_probability(1e14, 2.0).is_err());
        assert!(rebuild_second_failure(5, 24.0, 0.0).is_err());
        assert!(bits_read(2, -8.0).is_err());
    }

    #[test]
    fn k_of_n_edges() {
        assert_eq!(k_of_n(0, 3, 0.2).unwrap(), 1.0);
        assert_eq!(k_of_n(0, 0, 0.2).unwrap(), 1.0);
        assert_eq!(k_of_n(2, 3, 1.0).unwrap(), 1.0);
        assert_eq!(k_of_n(2, 3, 0.0).unwrap(), 0.0);
        let big = k_of_n(900, 1000, 0.95).unwrap();
        assert!(big.is_finite() && (0.0..=1.0).contains(&big));
    }

    proptest! {
        #[test]
        fn k_of_n_is_monotone_in_k(n in 1u32..40, r in 0.0f64..=1.0) {
            let mut last = 1.0;
            for k in 0..=n {
                let v = k_of_n(k, n, r).unwrap();
                prop_assert!((0.0..=1.0).contains(&v));
                prop_assert!(v <= last + 1e-15, "k={k} {v} > {last}");
                last = v;
            }
        }

        #[test]
        fn k_of_n_matches_series_and_parallel(n in 1u32..12, r in 0.0f64..=1.0) {
            let units = vec![r; n as usize];
            prop_assert!((k_of_n(1, n, r).unwrap() - parallel(&units).unwrap()).abs() < 1e-12);
            prop_assert!((k_of_n(n, n, r).unwrap() - series(&units).unwrap()).abs() < 1e-12);
        }

        #[test]
        fn parallel_beats_the_best_series_trails_the_worst(
            parts in proptest::collection::vec(0.0f64..=1.0, 1..10)
        ) {
            let max = parts.iter().copied().fold(0.0, f64::max);
            let min = parts.iter().copied().fold(1.0, f64::min);
            let p = parallel(&parts).unwrap();
            let s = series(&parts).unwrap();
            prop_assert!(p >= max - 1e-12 && (0.0..=1.0).contains(&p));
            prop_assert!(s <= min + 1e-12 && (0.0..=1.0).contains(&s));
        }

        #[test]
        fn mission_figures_stay_probabilities(
            mtbf in 1e-3f64..1e9, t in 0.0f64..1e7, mttr in 0.0f64..1e6
        ) {
            for v in [
                reliability(mtbf, t).unwrap(),
                unreliability(mtbf, t).unwrap(),
                inherent_availability(mtbf, mttr).unwrap(),
                cold_standby(mtbf, t).unwrap(),
            ] {
                prop_assert!(!v.is_nan() && (0.0..=1.0).contains(&v), "{v}");
            }
            prop_assert!(cold_standby(mtbf, t).unwrap() >= reliability(mtbf, t).unwrap() - 1e-15);
        }

        #[test]
        fn rebuild_figures_stay_probabilities(
            n in 0u32..64, tb in 0.0f64..100.0, rebuild in 0.0f64..1e4,
            mttf in 1.0f64..1e8, p_bit in 0.0f64..=1.0
        ) {
            let p2 = raid5_second_failure(n, rebuild, mttf).unwrap();
            let pu = ure_probability(bits_read(n, tb).unwrap(), p_bit).unwrap();
            let loss = rebuild_loss(p2, pu).unwrap();
            for v in [p2, pu, loss] {
                prop_assert!(!v.is_nan() && (0.0..=1.0).contains(&v), "{v}");
            }
            prop_assert!(loss >= p2.max(pu) - 1e-12);
        }

        #[test]
        fn garbage_never_panics(a in any::<f64>(), b in any::<f64>(), k in any::<u32>()) {
            let _ = reliability(a, b);
            let _ = inherent_availability(a, b);
            let _ = cold_standby(a, b);
            let _ = k_of_n(k % 50, 40, a);
            let _ = ure_probability(a, b);
            let _ = raid5_mttdl(k % 10, a, b);
            let _ = annual_downtime_min(a);
        }
    }
}
