//! RFC 6298: computing TCP's retransmission timer, with Karn's rule (§3) and backoff (§5.5).

use crate::time::SimDuration;

/// Clock granularity G of RFC 6298 §2; our clock is exact to the microsecond, but a G keeps
/// RTTVAR from collapsing to zero on a jitter-free link, as on a real host.
const GRANULARITY: SimDuration = SimDuration::from_millis(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RtoEstimator {
    srtt: Option<SimDuration>,
    rttvar: SimDuration,
    rto: SimDuration,
    min: SimDuration,
    max: SimDuration,
    /// Number of consecutive backoffs (RFC 6298 §5.5 doubles RTO each time).
    backoff: u32,
}

impl RtoEstimator {
    pub fn new(initial: SimDuration, min: SimDuration, max: SimDuration) -> RtoEstimator {
        RtoEstimator {
            srtt: None,
            rttvar: SimDuration::ZERO,
            rto: initial,
            min,
            max,
            backoff: 0,
        }
    }

    /// The timeout to arm now, backoff included.
    pub fn rto(&self) -> SimDuration {
        let shifted = self.rto.saturating_mul(1u64 << self.backoff.min(20));
        shifted.min(self.max)
    }

    pub fn srtt(&self) -> Option<SimDuration> {
        self.srtt
    }

    pub fn rttvar(&self) -> SimDuration {
        self.rttvar
    }

    pub fn backoff(&self) -> u32 {
        self.backoff
    }

    /// §5.5: the timer expired — double the RTO (bounded by `max`).
    pub fn on_timeout(&mut self) {
        if self.rto() < self.max {
            self.backoff += 1;
        }
    }

    /// §2.2 / §2.3: a valid RTT measurement R (Karn: never from a retransmitted segment; the
    /// caller guarantees that). A new sample also ends any backoff (§5.7).
    pub fn sample(&mut self, r: SimDuration) {
        let r_us = r.micros();
        match self.srtt {
            None => {
                self.srtt = Some(r);
                self.rttvar = SimDuration(r_us / 2);
            }
            Some(srtt) => {
                // RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'| ; SRTT <- 7/8 SRTT + 1/8 R'
                let s = srtt.micros();
                let delta = s.abs_diff(r_us);
                self.rttvar = SimDuration((3 * self.rttvar.micros() + delta) / 4);
                self.srtt = Some(SimDuration((7 * s + r_us) / 8));
            }
        }
        let srtt = self.srtt.unwrap_or(r); // set just above
        let k = (self.rttvar.micros() * 4).max(GRANULARITY.micros());
        self.rto = SimDuration(srtt.micros() + k).max(self.min).min(self.max);
        self.backoff = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est() -> RtoEstimator {
        RtoEstimator::new(
            SimDuration::from_secs(1),
            SimDuration::from_millis(200),
            SimDuration::from_secs(60),
        )
    }

    #[test]
    fn initial_rto_is_one_second() {
        assert_eq!(est().rto(), SimDuration::from_secs(1));
    }

    #[test]
    fn first_sample_sets_srtt_and_half_variance() {
        let mut e = est();
        e.sample(SimDuration::from_millis(100));
        assert_eq!(e.srtt(), Some(SimDuration::from_millis(100)));
        assert_eq!(e.rttvar(), SimDuration::from_millis(50));
        // RTO = SRTT + 4·RTTVAR = 300 ms, above the 200 ms floor.
        assert_eq!(e.rto(), SimDuration::from_millis(300));
    }

    #[test]
    fn later_samples_smooth_with_alpha_and_beta() {
        let mut e = est();
        e.sample(SimDuration::from_millis(100));
        e.sample(SimDuration::from_millis(200));
        // RTTVAR = 3/4·50 + 1/4·100 = 62.5 ms; SRTT = 7/8·100 + 1/8·200 = 112.5 ms.
        assert_eq!(e.rttvar(), SimDuration::from_micros(62_500));
        assert_eq!(e.srtt(), Some(SimDuration::from_micros(112_500)));
        assert_eq!(e.rto(), SimDuration::from_micros(362_500));
    }

    #[test]
    fn floor_applies_to_small_rtts() {
        let mut e = est();
        e.sample(SimDuration::from_millis(10));
        assert_eq!(e.rto(), SimDuration::from_millis(200));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let mut e = est();
        e.on_timeout();
        assert_eq!(e.rto(), SimDuration::from_secs(2));
        e.on_timeout();
        assert_eq!(e.rto(), SimDuration::from_secs(4));
        for _ in 0..10 {
            e.on_timeout();
        }
        assert_eq!(e.rto(), SimDuration::from_secs(60));
        e.sample(SimDuration::from_millis(100));
        assert_eq!(e.backoff(), 0);
    }
}
