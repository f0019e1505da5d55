//! The lab page's helper: work a page needs only after the learner acts,
//! in a Web Worker with a WebAssembly module of its own, fetched on first
//! use (`src/helper.rs` in the page starts it), so none of it is in the
//! page's first load: the QR code of a link, a run file written from a
//! link, a run file read back into a link, the comparison's summary
//! (`compare`: `compare_view.rs`), OAuth's token cards (`tokens`,
//! `token-check`: `tokens.rs`), and the explorer (`search`: every
//! schedule of up to K faults; `montecarlo`: many seeded runs), whose
//! reports come back as JSON (`faultline_sim::explore::report`).
//!
//! The page and the helper talk in plain text, one request and one reply
//! each: `"<id>\n<op>\n<payload>"` asks, `"<id>\nok\n<result>"` or
//! `"<id>\nerr\n<message for the learner>"` answers. A long request (the
//! explorer's) also sends `"<id>\nprogress\n<done>\n<of>\n<sentence>"`
//! now and then before its answer (`of` 0 when the total is not known),
//! and, in the panel, `"<id>\npartial\n<html>"`: a search's report for
//! each search of fewer faults it has finished, random runs' report of
//! the runs made so far every 1,000 runs (shown if the learner stops it);
//! the page stops one by ending the worker. The explorer's reports come
//! back as JSON (`search`, `montecarlo`) or as the panel's HTML
//! (`search-view`, `montecarlo-view`: `view.rs`; `sweep`, `sweep-view`:
//! random runs for each of a few values of one setting, `sweep_view.rs`),
//! whose form the helper
//! also writes (`explorer-form`). Runs travel as
//! permalinks (`faultline_sim::permalink`): the helper simulates the
//! link's run itself, the same run the page shows (the engine is
//! deterministic).

#[cfg(feature = "explore")]
mod alphabet_view;
pub mod compare_view;
#[cfg(feature = "explore")]
mod explorer;
pub mod qr;
#[cfg(feature = "explore")]
mod search;
#[cfg(feature = "explore")]
pub mod sweep_view;
#[cfg(feature = "oauthlab")]
pub mod tokens;
#[cfg(feature = "explore")]
pub mod view;
#[cfg(feature = "explore")]
mod work;
#[cfg(target_arch = "wasm32")]
mod worker;

use faultline_sim::{permalink, runfile};

/// Answer one request of the page (any text: a malformed one gets an
/// `err` reply, never a panic).
pub fn answer(request: &str) -> String {
    answer_with(request, &mut |_| {}, &|| 0.0)
}

/// [`answer`], sending `progress` messages (already formatted with the
/// request's id) as a long request goes, and timing it with `now`.
pub fn answer_with(
    request: &str,
    progress: &mut dyn FnMut(String),
    now: &dyn Fn() -> f64,
) -> String {
    let mut parts = request.splitn(3, '\n');
    let id = parts.next().unwrap_or_default();
    let op = parts.next().unwrap_or_default();
    let payload = parts.next().unwrap_or_default();
    let result = match op {
        "qr" => qr::code(payload),
        "compare" => compare_view::summary_of(payload),
        "export" => export(payload),
        "import" => import(payload),
        #[cfg(feature = "oauthlab")]
        "tokens" => tokens::cards_of(payload),
        #[cfg(feature = "oauthlab")]
        "token-check" => tokens::check_pasted(payload),
        #[cfg(feature = "explore")]
        op if explorer::OPS.contains(&op) => explorer::answer(id, op, payload, progress, now),
        other => Err(format!(
            "the helper does not know \"{}\"",
            other.chars().take(20).collect::<String>()
        )),
    };
    #[cfg(not(feature = "explore"))]
    let _ = (progress, now);
    match result {
        Ok(text) => format!("{id}\nok\n{text}"),
        Err(why) => format!("{id}\nerr\n{why}"),
    }
}

/// The run file of a link's run, at the link's step.
fn export(link: &str) -> Result<String, String> {
    let opened = permalink::open(link).map_err(|e| e.to_string())?;
    let run = faultline_sim::simulate(&opened.scenario).map_err(|e| e.to_string())?;
    Ok(runfile::run_file(&run, opened.step))
}

/// A run file read back: a notice line (empty if none), then the link of
/// its run at its step.
fn import(text: &str) -> Result<String, String> {
    let opened = runfile::parse_run_file(text)?;
    Ok(format!(
        "{}\n{}",
        opened.notice.unwrap_or_default().replace('\n', " "),
        permalink::encode(&opened.scenario, opened.step)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "explore")]
    use crate::work::{Progress, Work};

    fn link(lab: &str, preset: &str, step: u32) -> String {
        let s = faultline_sim::preset(lab, preset).unwrap();
        permalink::encode(&s, step)
    }

    #[test]
    fn a_run_file_written_from_a_link_reads_back_to_the_same_link() {
        for (lab, preset) in [
            ("payments", "key-expired"),
            ("oauth", "happy-path"),
            ("sagas", "2pc-coordinator-crash"),
        ] {
            let l = link(lab, preset, 7);
            let reply = answer(&format!("3\nexport\n{l}"));
            let file = reply.strip_prefix("3\nok\n").expect(&reply);
            // The same file the run gives when simulated here.
            let run =
                faultline_sim::simulate(&faultline_sim::preset(lab, preset).unwrap()).unwrap();
            assert_eq!(file, runfile::run_file(&run, 7));
            let back = answer(&format!("4\nimport\n{file}"));
            assert_eq!(
                back,
                format!("4\nok\n\n{l}"),
                "{lab}/{preset}: no notice, the same link"
            );
        }
    }

    #[test]
    fn bad_requests_get_a_reason_not_a_panic() {
        for (request, expect) in [
            ("1\nexport\nv1.@@@.3", "1\nerr\n"),
            (
                "2\nimport\n{\"kind\":\"something else\"}",
                "2\nerr\nit is JSON, but not a Faultline run file",
            ),
            ("3\nimport\nnot json", "3\nerr\nit is not a JSON run file"),
            ("4\nshred\n", "4\nerr\nthe helper does not know \"shred\""),
            (
                "6\nsearch\n9\nlab=payments",
                "6\nerr\nthe number of faults is 1 to 4",
            ),
            ("7\nsearch\n1\nv1.@@", "7\nerr\n"),
            (
                "8\nmontecarlo\n0\n0\nlab=payments",
                "8\nerr\nthe number of runs",
            ),
            ("9\nmontecarlo\n5\n2000\nlab=payments", "9\nerr\nthe chance"),
            ("", "\nerr\n"),
            ("5", "5\nerr\n"),
        ] {
            let reply = answer(request);
            assert!(reply.starts_with(expect), "{request:?} → {reply:?}");
        }
    }

    #[test]
    fn a_changed_trace_comes_back_with_its_notice_on_one_line() {
        let l = link("payments", "happy-path", 2);
        let file = answer(&format!("1\nexport\n{l}"))
            .strip_prefix("1\nok\n")
            .unwrap()
            .replacen("\"200 OK", "\"201 OK", 1);
        let reply = answer(&format!("2\nimport\n{file}"));
        let mut lines = reply.lines();
        assert_eq!((lines.next(), lines.next()), (Some("2"), Some("ok")));
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("Its trace is not the one"),
            "{reply}"
        );
        assert_eq!(lines.next(), Some(l.as_str()));
    }

    #[cfg(feature = "explore")]
    #[test]
    fn a_search_and_a_monte_carlo_run_answer_as_json() {
        let l = link("sagas", "2pc-happy", 0);
        let reply = answer(&format!("5\nsearch\n1\n{l}"));
        let json = reply.strip_prefix("5\nok\n").expect(&reply);
        let r: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(r["broken"][0]["property"], "lock-held-at-most-2s");
        // Its link opens the run that shows it.
        let shown = permalink::open(r["broken"][0]["link"].as_str().unwrap()).unwrap();
        assert_eq!(shown.step, r["broken"][0]["step"].as_u64().unwrap() as u32);
        let reply = answer(&format!(
            "6\nmontecarlo\n200\n50\n{}",
            link("payments", "happy-path", 0)
        ));
        let r: serde_json::Value =
            serde_json::from_str(reply.strip_prefix("6\nok\n").unwrap()).unwrap();
        assert_eq!(r["runs"], 200);
    }

    #[cfg(feature = "explore")]
    #[test]
    fn a_sweep_runs_each_value_of_the_setting_and_says_how_far_it_is() {
        let l = link("payments", "happy-path", 0);
        let mut told = Vec::new();
        let reply = answer_with(
            &format!("4\nsweep\n100\n50\ntimeout_ms\n{l}"),
            &mut |p| told.push(p),
            &|| 0.0,
        );
        let r: serde_json::Value =
            serde_json::from_str(reply.strip_prefix("4\nok\n").expect(&reply)).unwrap();
        let values: Vec<i64> = r["sweep"]
            .as_array()
            .expect("a point per value")
            .iter()
            .map(|p| p["value"].as_i64().unwrap())
            .collect();
        assert_eq!(values, [200, 500, 1000, 2000, 4000], "{r}");
        assert_eq!(r["runs"], 500);
        // Progress counts every run of every value.
        assert!(
            told.iter().any(|p| p.ends_with("\n500\n250 of 500 runs")),
            "{told:?}"
        );
        let reply = answer(&format!("5\nsweep\n100\n50\nnope\n{l}"));
        assert!(
            reply.starts_with("5\nerr\nthe payments lab has no setting \"nope\""),
            "{reply}"
        );
    }

    #[cfg(feature = "explore")]
    #[test]
    fn fuzzed_explorer_requests_get_a_reply_never_a_panic() {
        let links = [
            link("payments", "happy-path", 0),
            "lab=sagas&preset=2pc-happy".to_string(),
            "v1.e30.0".into(),
            "lab=payments&preset=happy-path&step=99999999999".into(),
            String::new(),
            "\n\n\n".into(),
        ];
        let numbers = [
            "", "0", "1", "4", "5", "-1", "1000", "1001", "100001", "x", "1\n",
        ];
        let keys = ["timeout_ms", "send_key", "coordination", "nope", "", "<b>"];
        let mut n = 0u64;
        for op in ["search", "montecarlo", "sweep"] {
            for a in numbers {
                for b in numbers {
                    for l in &links {
                        n += 1;
                        let payload = if op == "search" {
                            // Small searches: each case is quick.
                            let k = if a.parse::<u8>().is_ok_and(|k| k > 1 && k <= 4) {
                                "1"
                            } else {
                                a
                            };
                            let over = ["", "~focused", "~every", "~<x>"][n as usize % 4];
                            format!("{k}{over}\n{l}")
                        } else {
                            // Few runs: each case is quick.
                            let runs = if a.parse::<u32>().is_ok_and(|r| r > 50) {
                                "3"
                            } else {
                                a
                            };
                            if op == "sweep" {
                                let key = keys[n as usize % keys.len()];
                                format!("{runs}\n{b}\n{key}\n{l}")
                            } else {
                                format!("{runs}\n{b}\n{l}")
                            }
                        };
                        let reply = answer(&format!("{n}\n{op}\n{payload}"));
                        assert!(
                            reply.starts_with(&format!("{n}\nok\n{{"))
                                || reply.starts_with(&format!("{n}\nerr\n")),
                            "{op} {payload:?} → {reply}"
                        );
                    }
                }
            }
        }
    }

    #[cfg(feature = "explore")]
    #[test]
    fn a_search_with_more_states_than_it_may_remember_keeps_the_last_finished() {
        let l = link("payments", "happy-path", 0);
        let mut told = Vec::new();
        let mut so_far = |_: &str| {};
        let mut tell = |p: Progress| told.push(p.done);
        let mut work = Work {
            progress: &mut tell,
            partial: &mut so_far,
            now: &|| 0.0,
        };
        // Up to 1 fault meets 1,017 distinct states, up to 2 many more.
        let answer =
            search::search_within(&format!("2~every\n{l}"), &mut work, true, 5_000).unwrap();
        assert!(
            answer.starts_with("<p class=\"explore-status explore-stopped\">Stopped: every schedule of up to 2 faults meets more than 5,000 distinct states, more than the explorer keeps in this page&#39;s memory. The search of every schedule of up to 1 fault finished"),
            "{answer}"
        );
        assert!(answer.contains(
            "Every schedule of up to 1 fault on every actor and link: <strong>67</strong> schedules"
        ));
        // The form says where a search stops.
        let form = view::form("payments").into_string();
        assert!(
            form.contains(&format!(
                "more than {} states stops there",
                view::thousands(search::MAX_DISTINCT)
            )),
            "{form}"
        );
        // Nothing finished (or a script's JSON): a reason, not a report.
        for (payload, view) in [(format!("1\n{l}"), true), (format!("2\n{l}"), false)] {
            let why = search::search_within(&payload, &mut work, view, 500).unwrap_err();
            assert!(
                why.contains("more than 500 distinct states")
                    && why.ends_with("ask for fewer faults"),
                "{why}"
            );
        }
    }

    #[cfg(feature = "explore")]
    #[test]
    fn a_long_request_tells_its_progress_before_its_answer() {
        // A clock that moves 100 ms each time it is read.
        let clock = std::cell::Cell::new(0.0);
        let now = || {
            clock.set(clock.get() + 100.0);
            clock.get()
        };
        let mut told = Vec::new();
        let l = link("payments", "happy-path", 0);
        let reply = answer_with(
            &format!("7\nsearch-view\n2\n{l}"),
            &mut |p| told.push(p),
            &now,
        );
        assert!(
            reply.starts_with("7\nok\n<div class=\"explore-report\""),
            "{reply}"
        );
        assert!(!told.is_empty(), "progress during a search");
        // Breadth-first by the number of faults: the search of up to 1
        // fault finishes first, and its report goes ahead, to be shown if
        // the learner stops the search of up to 2.
        let partial: Vec<&String> = told
            .iter()
            .filter(|p| p.starts_with("7\npartial\n"))
            .collect();
        assert_eq!(partial.len(), 1, "{told:?}");
        assert!(partial[0].contains("The search of every schedule of up to 1 fault finished"));
        assert!(partial[0].contains("<div class=\"explore-report\" data-report=\"search\">"));
        let mut counted = 0;
        for p in told.iter().filter(|p| !p.starts_with("7\npartial\n")) {
            let mut lines = p.lines();
            assert_eq!((lines.next(), lines.next()), (Some("7"), Some("progress")));
            let done: u64 = lines.next().unwrap().parse().unwrap();
            assert_eq!(lines.next(), Some("0"), "a search's total is not known");
            let sentence = lines.next().unwrap();
            assert!(
                sentence.contains("schedules so far (now every schedule of up to ") && done > 0,
                "{sentence}"
            );
            assert!(done >= counted, "the count only grows");
            counted = done;
        }
        told.clear();
        let reply = answer_with(
            &format!("8\nmontecarlo-view\n1000\n50\n{l}"),
            &mut |p| told.push(p),
            &now,
        );
        assert!(reply.starts_with("8\nok\n<div"), "{reply}");
        assert_eq!(
            told,
            ["250", "500", "750"].map(|n| format!("8\nprogress\n{n}\n1000\n{n} of 1,000 runs")),
        );
        // Longer: the report so far, every 1,000 runs, as stopped there.
        told.clear();
        answer_with(
            &format!("9\nmontecarlo-view\n2500\n50\n{l}"),
            &mut |p| told.push(p),
            &now,
        );
        let partial: Vec<&String> = told
            .iter()
            .filter(|p| p.starts_with("9\npartial\n"))
            .collect();
        assert_eq!(partial.len(), 2, "at 1,000 and 2,000 runs");
        for (p, runs) in partial.iter().zip(["1,000", "2,000"]) {
            assert!(
                p.contains("Stopped before the end: these are the runs made so far."),
                "{p}"
            );
            assert!(p.contains(runs), "{runs} runs in {p}");
        }
    }
}
