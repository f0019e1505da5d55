//! Print a preset's run as text: `cargo run -p faultline-sim --example show -- <preset>`.
fn main() {
    let id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "happy-path".into());
    let Some(s) = faultline_sim::preset("payments", &id) else {
        eprintln!("no preset {id}");
        std::process::exit(2);
    };
    let run = faultline_sim::simulate(&s).expect("valid preset");
    for st in &run.steps {
        println!(
            "#{:<3} {:>6} ms {:<40} | {}",
            st.index,
            st.time,
            run.summary(st),
            st.narration.join(" / ")
        );
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
    {
        for table in run.tables_at(run.steps.len() as u32 - 1) {
            println!("== {}", table.title);
            for r in &table.rows {
                println!("   {}", r.join(" | "));
            }
        }
    }
}
