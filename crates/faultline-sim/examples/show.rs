//! Print a run as text, every message in its wire form: a preset of any
//! lab, or any link the page makes (full or short).
//!
//!   cargo run -p faultline-sim --example show -- happy-path            # a preset of the first lab
//!   cargo run -p faultline-sim --example show -- payments/key-expired  # lab/preset
//!   cargo run -p faultline-sim --example show -- 'lab=payments&preset=key-expired'
//!   cargo run -p faultline-sim --example show -- 'v1.eyJ2Ijo…'         # a full permalink
fn main() {
    let arg = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "happy-path".into());
    let arg = arg.trim_start_matches('#');
    let scenario = if arg.starts_with("v1.") || arg.starts_with("lab=") {
        match faultline_sim::permalink::open(arg) {
            Ok(o) => {
                if let Some(n) = o.notice {
                    eprintln!("note: {n}");
                }
                o.scenario
            }
            Err(e) => {
                eprintln!("that link cannot be opened: {e}");
                std::process::exit(2);
            }
        }
    } else {
        let first = faultline_sim::labs().remove(0).id;
        let (lab, preset) = arg.split_once('/').unwrap_or((first, arg));
        let Some(s) = faultline_sim::preset(lab, preset) else {
            eprintln!("no preset \"{preset}\" in lab \"{lab}\"");
            std::process::exit(2);
        };
        s
    };
    let run = faultline_sim::simulate(&scenario).expect("valid scenario");
    for st in &run.steps {
        println!(
            "#{:<3} {:>6} ms {:<40} | {}",
            st.index,
            st.time,
            run.summary(st),
            run.narration(st).join(" / ")
        );
        if let Some(f) = st.flight.and_then(|f| run.flights.get(f as usize)) {
            if st.kind == faultline_sim::trace::StepKind::Deliver {
                for line in f.message.get().to_http().lines() {
                    println!("        | {line}");
                }
            }
        }
    }
    for v in &run.violations {
        println!(
            "VIOLATION at step {}: [{}] {}",
            v.step, v.invariant, v.message
        );
    }
    println!(
        "end: {:?}; steps {}; flights {}",
        run.end,
        run.steps.len(),
        run.flights.len()
    );
    for table in run.tables_at(run.steps.len() as u32 - 1) {
        println!("== {}", table.title);
        for r in &table.rows {
            println!("   {}", r.join(" | "));
        }
    }
}
