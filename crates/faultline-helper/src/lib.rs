//! The lab page's helper: work a page needs only after the learner acts,
//! in a Web Worker with a WebAssembly module of its own, fetched on first
//! use (`src/helper.rs` in the page starts it), so none of it is in the
//! page's first load: the QR code of a link, a run file written from a
//! link, a run file read back into a link.
//!
//! The page and the helper talk in plain text, one request and one reply
//! each: `"<id>\n<op>\n<payload>"` asks, `"<id>\nok\n<result>"` or
//! `"<id>\nerr\n<message for the learner>"` answers. Runs travel as
//! permalinks (`faultline_sim::permalink`): the helper simulates the
//! link's run itself, the same run the page shows (the engine is
//! deterministic).

pub mod qr;
#[cfg(target_arch = "wasm32")]
mod worker;

use faultline_sim::{permalink, runfile};

/// Answer one request of the page (any text: a malformed one gets an
/// `err` reply, never a panic).
pub fn answer(request: &str) -> String {
    let mut parts = request.splitn(3, '\n');
    let id = parts.next().unwrap_or_default();
    let op = parts.next().unwrap_or_default();
    let payload = parts.next().unwrap_or_default();
    let result = match op {
        "qr" => qr::code(payload),
        "export" => export(payload),
        "import" => import(payload),
        other => Err(format!(
            "the helper does not know \"{}\"",
            other.chars().take(20).collect::<String>()
        )),
    };
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
}
