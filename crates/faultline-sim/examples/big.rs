//! Print the permalink hash of a large payments run (about 1,000 events),
//! used by the browser performance test.
use faultline_sim::scenario::ConfigValue;
fn main() {
    let mut s = faultline_sim::preset("payments", "retry-storm-jitter").expect("preset");
    s = s
        .with("clients", ConfigValue::Int(30))
        .with("max_attempts", ConfigValue::Int(10));
    s.random.drop_permille = 250;
    s.random.duplicate_permille = 100;
    s = s
        .with("api_capacity", ConfigValue::Int(2))
        .with("processor_ms", ConfigValue::Int(900));
    let run = faultline_sim::simulate(&s).expect("valid");
    eprintln!("{} events", run.steps.len());
    println!("{}", faultline_sim::permalink::encode(&s, 0));
}
