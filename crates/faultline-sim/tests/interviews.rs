//! Every interview card as the page plays it: its presets exist, and its
//! comparison runs the common mistake and the strong answer side by side
//! on one seed, the mistake breaking an invariant (or, for two-phase
//! commit, holding locks while blocked) that the strong answer keeps.

use faultline_sim::Run;

fn broken(run: &Run) -> Vec<&'static str> {
    run.violations.iter().map(|v| v.invariant).collect()
}

#[test]
fn every_card_shows_the_mistake_going_wrong_and_the_answer_holding_on_one_seed() {
    let mut cards = 0;
    for info in faultline_sim::labs() {
        for iv in &info.interviews {
            let what = format!("{}: {}", info.id, iv.question);
            assert!(
                info.preset(iv.answer_preset).is_some() && info.preset(iv.mistake_preset).is_some(),
                "{what}"
            );
            let pair = info
                .comparison(iv.comparison)
                .unwrap_or_else(|| panic!("{what}: no comparison {}", iv.comparison));
            let (mistake, strong) = if iv.mistake_is_b {
                ((pair.b)(), (pair.a)())
            } else {
                ((pair.a)(), (pair.b)())
            };
            assert_eq!(mistake.seed, strong.seed, "{what}: one seed");
            assert_eq!(mistake.faults, strong.faults, "{what}: one fault plan");
            let (m, s) = (
                faultline_sim::simulate(&mistake).unwrap(),
                faultline_sim::simulate(&strong).unwrap(),
            );
            let kept: Vec<_> = broken(&m)
                .into_iter()
                .filter(|i| !broken(&s).contains(i))
                .collect();
            if kept.is_empty() {
                // Two-phase commit's mistake is blocking, which no invariant
                // here names yet: its run shows participants blocked with
                // their locks held, the saga's none.
                let blocked = |r: &Run| {
                    (0..r.steps.len() as u32).any(|c| {
                        (info.figures)(r, c).iter().any(|f| {
                            f.label.starts_with("Blocked now") && !f.value.starts_with('0')
                        })
                    })
                };
                assert!(
                    blocked(&m) && !blocked(&s),
                    "{what}: the mistake breaks nothing the answer keeps ({:?} / {:?})",
                    broken(&m),
                    broken(&s)
                );
            }
            assert!(!iv.mistake.is_empty() && !iv.why.is_empty() && !iv.answer.is_empty());
            cards += 1;
        }
        if !faultline_sim::registry::TEST_ONLY.contains(&info.id) {
            assert!(
                info.interviews.len() >= 3,
                "{}: the seed's card and two more",
                info.id
            );
        }
    }
    println!("FIGURE: {cards} interview cards, each a mistake and a strong answer on one seed");
}
