//! Compare the two retry-storm presets: requests reaching the API, 503s,
//! the busiest 100 ms and when the last client finished.
use faultline_sim::trace::Fate;
fn main() {
    for id in ["retry-storm", "retry-storm-jitter"] {
        let s = faultline_sim::preset("payments", id).expect("preset");
        let run = faultline_sim::simulate(&s).expect("valid");
        let api = run
            .actors
            .iter()
            .position(|a| a.name == "payment-api")
            .expect("api") as u16;
        let arrivals: Vec<u64> = run
            .flights
            .iter()
            .filter(|f| f.to == api && f.label().starts_with("POST") && f.fate == Fate::Delivered)
            .map(|f| f.arrives_at)
            .collect();
        let peak = arrivals
            .iter()
            .map(|&t| arrivals.iter().filter(|&&u| u >= t && u < t + 100).count())
            .max()
            .unwrap_or(0);
        let refused = run
            .flights
            .iter()
            .filter(|f| f.label().starts_with("503"))
            .count();
        println!("{id}: {} requests reached the API, {refused} refused with 503, peak {peak} per 100 ms, {} events, ends at {} ms", arrivals.len(), run.steps.len(), run.end_time());
    }
}
