//! A link to the explorer's work on a run, so a result can be shared and
//! reproduced: `<run link>&explore=search~K~focused` (every schedule of
//! up to K faults over the focused alphabet; `~every` for the other one,
//! and a link without one, made before there were two, means `every`) or `<run link>&explore=runs~N~L` (N random runs, each message
//! lost with a chance of L in 1,000, on the seeds the explorer always
//! uses) or `<run link>&explore=sweep~N~L~<setting>` (those runs for each
//! of a few values of one setting). The run's own link comes first, so every reader of links finds
//! its lab as in any link. The page that opens it runs the same work
//! again (its explorer panel); the headless runner prints the same report.

use std::fmt;

/// The most faults a search may add.
pub const MAX_FAULTS: u8 = 4;
/// The most random runs one piece of work makes.
pub const MAX_RUNS: u32 = 100_000;

/// Which faults a search tries before each step (described in `explore::alphabet`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Alphabet {
    /// Faults where the step acts: its messages, the actor it wakes, the
    /// links it sends on.
    #[default]
    Focused,
    /// Its messages, every actor that is up, every link of the fault-free run.
    Every,
}

impl Alphabet {
    /// The name links and the command line use.
    pub fn name(self) -> &'static str {
        match self {
            Alphabet::Focused => "focused",
            Alphabet::Every => "every",
        }
    }

    /// The alphabet called `name`.
    pub fn named(name: &str) -> Option<Alphabet> {
        [Alphabet::Focused, Alphabet::Every]
            .into_iter()
            .find(|a| a.name() == name)
    }
}

/// The explorer's work a link asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExploreAsk {
    /// Every schedule of up to `max_faults` faults over `alphabet`.
    Search { max_faults: u8, alphabet: Alphabet },
    /// `runs` random runs, each message lost with a chance of
    /// `lose_per_mille` in 1,000.
    MonteCarlo { runs: u32, lose_per_mille: u16 },
    /// Those random runs for each of a few values of the setting `key`
    /// (`explore::montecarlo::sweep_values`).
    Sweep {
        runs: u32,
        lose_per_mille: u16,
        key: String,
    },
}

/// Why the explorer part of a link cannot be used, in words the learner
/// can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExploreLinkError {
    UnknownWork(String),
    BadFaults(String),
    BadAlphabet(String),
    BadRuns(String),
    BadChance(String),
    BadSetting(String),
}

impl fmt::Display for ExploreLinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownWork(w) => write!(
                f,
                "\"{w}\" is not the explorer's work (a search or random runs)"
            ),
            Self::BadFaults(k) => write!(f, "a search adds 1 to {MAX_FAULTS} faults, not \"{k}\""),
            Self::BadAlphabet(a) => write!(
                f,
                "a search tries the \"focused\" or \"every\" faults, not \"{a}\""
            ),
            Self::BadRuns(n) => write!(f, "random runs number 1 to {MAX_RUNS}, not \"{n}\""),
            Self::BadSetting(k) => write!(f, "\"{k}\" is not the name of a setting"),
            Self::BadChance(c) => write!(
                f,
                "the chance of losing a message is 0 to 1000 in 1,000, not \"{c}\""
            ),
        }
    }
}

/// What follows the run's link in an explorer link.
const MARK: &str = "&explore=";

/// A number in `range`, or `bad` with the text.
fn number<T: std::str::FromStr + PartialOrd>(
    text: &str,
    range: std::ops::RangeInclusive<T>,
    bad: fn(String) -> ExploreLinkError,
) -> Result<T, ExploreLinkError> {
    let short = || bad(text.chars().take(12).collect());
    let n: T = text.parse().map_err(|_| short())?;
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(short())
    }
}

impl ExploreAsk {
    /// The run's link and, if the hash holds one, the explorer's work it asks for.
    pub fn split(hash: &str) -> (&str, Option<Result<Self, ExploreLinkError>>) {
        match hash.split_once(MARK) {
            None => (hash, None),
            Some((link, ask)) => (link, Some(Self::parse(ask))),
        }
    }

    /// Read the part after `&explore=`.
    pub fn parse(text: &str) -> Result<Self, ExploreLinkError> {
        let mut parts = text.split('~');
        let work = parts.next().unwrap_or_default();
        let ask = match work {
            "search" => Self::Search {
                max_faults: number(
                    parts.next().unwrap_or_default(),
                    1..=MAX_FAULTS,
                    ExploreLinkError::BadFaults,
                )?,
                // Links made before there were two alphabets searched every fault.
                alphabet: match parts.next() {
                    None => Alphabet::Every,
                    Some(name) => Alphabet::named(name).ok_or_else(|| {
                        ExploreLinkError::BadAlphabet(name.chars().take(12).collect())
                    })?,
                },
            },
            "runs" | "sweep" => {
                let runs = number(
                    parts.next().unwrap_or_default(),
                    1..=MAX_RUNS,
                    ExploreLinkError::BadRuns,
                )?;
                let lose_per_mille = number(
                    parts.next().unwrap_or_default(),
                    0..=1000,
                    ExploreLinkError::BadChance,
                )?;
                if work == "runs" {
                    Self::MonteCarlo {
                        runs,
                        lose_per_mille,
                    }
                } else {
                    let key = parts.next().unwrap_or_default();
                    let named = (1..=40).contains(&key.len())
                        && key
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                    if !named {
                        return Err(ExploreLinkError::BadSetting(key.chars().take(24).collect()));
                    }
                    Self::Sweep {
                        runs,
                        lose_per_mille,
                        key: key.to_string(),
                    }
                }
            }
            other => {
                return Err(ExploreLinkError::UnknownWork(
                    other.chars().take(12).collect(),
                ))
            }
        };
        match parts.next() {
            None => Ok(ask),
            Some(more) => Err(ExploreLinkError::UnknownWork(
                format!("{work}~…~{more}").chars().take(24).collect(),
            )),
        }
    }

    /// The link of this work on the run `run_link` names.
    pub fn link(&self, run_link: &str) -> String {
        match self {
            Self::Search {
                max_faults,
                alphabet,
            } => format!("{run_link}{MARK}search~{max_faults}~{}", alphabet.name()),
            Self::MonteCarlo {
                runs,
                lose_per_mille,
            } => format!("{run_link}{MARK}runs~{runs}~{lose_per_mille}"),
            Self::Sweep {
                runs,
                lose_per_mille,
                key,
            } => format!("{run_link}{MARK}sweep~{runs}~{lose_per_mille}~{key}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_reads_back_to_the_work_it_was_made_for() {
        for ask in [
            ExploreAsk::Search {
                max_faults: 1,
                alphabet: Alphabet::Focused,
            },
            ExploreAsk::Search {
                max_faults: 4,
                alphabet: Alphabet::Every,
            },
            ExploreAsk::MonteCarlo {
                runs: 10_000,
                lose_per_mille: 50,
            },
            ExploreAsk::MonteCarlo {
                runs: 1,
                lose_per_mille: 0,
            },
            ExploreAsk::Sweep {
                runs: 1000,
                lose_per_mille: 50,
                key: "timeout_ms".into(),
            },
        ] {
            let link = ask.link("lab=payments&preset=happy-path&step=3");
            let (run, read) = ExploreAsk::split(&link);
            assert_eq!(run, "lab=payments&preset=happy-path&step=3");
            assert_eq!(read, Some(Ok(ask.clone())), "{link}");
        }
        assert_eq!(ExploreAsk::split("v1.abc.3"), ("v1.abc.3", None));
        // A link from before there were two alphabets searched every fault.
        assert_eq!(
            ExploreAsk::parse("search~2"),
            Ok(ExploreAsk::Search {
                max_faults: 2,
                alphabet: Alphabet::Every
            })
        );
    }

    #[test]
    fn a_bad_explorer_part_says_what_is_wrong() {
        let said = |text: &str| ExploreAsk::parse(text).unwrap_err().to_string();
        assert!(said("search~0").contains("1 to 4 faults"));
        assert!(said("search~5").contains("not \"5\""));
        assert!(said("search").contains("not \"\""));
        assert!(said("runs~0~5").contains("random runs number 1 to 100000"));
        assert!(said("runs~100001~5").contains("100001"));
        assert!(said("runs~10~1001").contains("0 to 1000"));
        assert!(said("runs~10").contains("not \"\""));
        assert!(said("dig~2").contains("\"dig\" is not the explorer's work"));
        assert!(said("search~2~9").contains("\"focused\" or \"every\" faults, not \"9\""));
        assert!(said("search~2~every~1").contains("is not the explorer's work"));
        assert!(said("<img src=x>").len() < 120);
        assert!(said("sweep~10~5").contains("\"\" is not the name of a setting"));
        assert!(said("sweep~10~5~Timeout").contains("\"Timeout\" is not the name"));
        assert!(said("sweep~10~5~a<b").contains("is not the name of a setting"));
    }

    #[test]
    fn fuzzed_explorer_parts_never_panic() {
        let pieces = [
            "search",
            "runs",
            "focused",
            "every",
            "~",
            "0",
            "1",
            "4",
            "5",
            "99999999999999999999",
            "-1",
            "é",
            "",
            "&",
            "1000",
            "1001",
            " ",
            "\u{0}",
        ];
        let mut rng = crate::rng::SimRng::new(7);
        for _ in 0..5_000 {
            let n = rng.below(6) as usize;
            let text: String = (0..n)
                .map(|_| pieces[rng.below(pieces.len() as u64) as usize])
                .collect();
            if let Ok(ask) = ExploreAsk::parse(&text) {
                // Whatever reads, writes back to the same work.
                let link = ask.link("x");
                assert_eq!(ExploreAsk::split(&link).1, Some(Ok(ask.clone())));
            }
        }
    }
}
