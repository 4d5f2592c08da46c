//! Scenario parameters: a small table per scenario (key, range, default, unit), values as
//! integers (a choice is stored as its index). They round-trip through `key=value` text, as
//! in the URL hash and the CLI's `--set`.

use super::{ScenarioError, ScenarioId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Ms,
    Seconds,
    Bytes,
    Count,
    Percent,
    /// One of `choices`.
    Choice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    pub key: &'static str,
    pub min: i64,
    pub max: i64,
    pub default: i64,
    pub unit: Unit,
    /// For `Unit::Choice`: the accepted words; the value is the index.
    pub choices: &'static [&'static str],
}

/// `s.parse::<i64>()` exactly, through the u64 parser: the wasm then needs one integer parser.
fn parse_i64(s: &str) -> Option<i64> {
    match s.strip_prefix('-') {
        Some(digits) if !digits.starts_with('+') => 0i64.checked_sub_unsigned(digits.parse().ok()?),
        _ => i64::try_from(s.parse::<u64>().ok()?).ok(),
    }
}

impl ParamSpec {
    pub const fn int(key: &'static str, min: i64, max: i64, default: i64, unit: Unit) -> ParamSpec {
        ParamSpec {
            key,
            min,
            max,
            default,
            unit,
            choices: &[],
        }
    }

    pub const fn choice(
        key: &'static str,
        choices: &'static [&'static str],
        default: i64,
    ) -> ParamSpec {
        ParamSpec {
            key,
            min: 0,
            max: choices.len() as i64 - 1,
            default,
            unit: Unit::Choice,
            choices,
        }
    }

    fn expected(&self) -> String {
        if self.unit == Unit::Choice {
            // Not `join`ed: `[&str]::join` would be one more copy of the joining code in the
            // wasm (`Vec<String>` is joined elsewhere).
            let mut s = String::from("one of ");
            for (n, c) in self.choices.iter().enumerate() {
                if n > 0 {
                    s.push_str(", ");
                }
                s.push_str(c);
            }
            s
        } else {
            format!("an integer from {} to {}", self.min, self.max)
        }
    }

    /// Parse one value for this parameter.
    pub fn parse(&self, value: &str) -> Result<i64, ScenarioError> {
        let bad = || ScenarioError::BadParam {
            key: self.key,
            value: value.chars().take(40).collect(),
            expected: self.expected(),
        };
        let v = if self.unit == Unit::Choice {
            self.choices
                .iter()
                .position(|c| *c == value)
                .map(|i| i as i64)
                .ok_or_else(bad)?
        } else {
            parse_i64(value.trim()).ok_or_else(bad)?
        };
        if v < self.min || v > self.max {
            return Err(bad());
        }
        Ok(v)
    }

    /// The text form of a value (choice word or number).
    pub fn format(&self, v: i64) -> String {
        if self.unit == Unit::Choice {
            self.choices
                .get(v as usize)
                .copied()
                .unwrap_or("?")
                .to_string()
        } else {
            v.to_string()
        }
    }
}

/// Values for every parameter of one scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    pub scenario: ScenarioId,
    /// One value per entry of `scenario.params()`, in that order (a handful: a Vec, where a
    /// map would add kilobytes of monomorphised code to the wasm).
    values: Vec<i64>,
}

impl Params {
    pub fn defaults(scenario: ScenarioId) -> Params {
        Params {
            scenario,
            values: scenario.params().iter().map(|p| p.default).collect(),
        }
    }

    /// Defaults overridden by `key=value` pairs; the first bad pair is an error.
    pub fn parse(
        scenario: ScenarioId,
        pairs: &[(String, String)],
    ) -> Result<Params, ScenarioError> {
        let mut p = Params::defaults(scenario);
        for (k, v) in pairs {
            p.set(k, v)?;
        }
        Ok(p)
    }

    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ScenarioError> {
        let specs = self.scenario.params();
        let i =
            specs
                .iter()
                .position(|p| p.key == key)
                .ok_or_else(|| ScenarioError::UnknownParam {
                    scenario: self.scenario.id(),
                    key: key.chars().take(40).collect(),
                })?;
        self.values[i] = specs[i].parse(value)?;
        Ok(())
    }

    /// The value of `key` (its default if the key is not this scenario's: a programming slip,
    /// not user input, so it must not panic either).
    pub fn get(&self, key: &str) -> i64 {
        let i = self.scenario.params().iter().position(|p| p.key == key);
        i.and_then(|i| self.values.get(i).copied()).unwrap_or(0)
    }

    pub fn get_u64(&self, key: &str) -> u64 {
        self.get(key).max(0) as u64
    }

    /// `key=value` pairs that differ from the defaults, in table order.
    pub fn non_default_pairs(&self) -> Vec<(&'static str, String)> {
        self.scenario
            .params()
            .iter()
            .filter(|p| self.get(p.key) != p.default)
            .map(|p| (p.key, p.format(self.get(p.key))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_i64_is_std_parse() {
        let big = "99999999999999999999";
        for s in [
            "0",
            "-0",
            "+0",
            "5",
            "+5",
            "-5",
            "-+5",
            "+-5",
            "--5",
            "++5",
            "",
            "-",
            "+",
            " 5",
            "5x",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            big,
            "007",
            "-007",
        ] {
            assert_eq!(parse_i64(s), s.parse::<i64>().ok(), "{s:?}");
        }
    }

    #[test]
    fn every_scenario_default_is_in_range_and_round_trips() {
        for id in ScenarioId::ALL {
            for p in id.params() {
                assert!(
                    p.min <= p.default && p.default <= p.max,
                    "{} {}",
                    id.id(),
                    p.key
                );
                assert_eq!(p.parse(&p.format(p.default)).unwrap(), p.default);
            }
            assert!(Params::defaults(id).non_default_pairs().is_empty());
        }
    }

    #[test]
    fn bad_values_name_the_key_and_the_range() {
        let mut p = Params::defaults(ScenarioId::Http10Vs11);
        let e = p.set("n", "9999").unwrap_err().to_string();
        assert!(e.contains("n=9999") && e.contains("from"), "{e}");
        let e = p.set("nope", "1").unwrap_err().to_string();
        assert!(e.contains("nope"), "{e}");
        let e = p.set("n", "four").unwrap_err().to_string();
        assert!(e.contains("integer"), "{e}");
        p.set("n", "7").unwrap();
        assert_eq!(p.get("n"), 7);
        assert_eq!(p.non_default_pairs(), vec![("n", "7".to_string())]);
    }
}
