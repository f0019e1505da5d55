//! Load over time: how many requests (or one-way messages: anything that
//! starts work, not responses) reached the busiest actor in each
//! 100 ms of virtual time, up to the playhead. It makes a retry storm's
//! waves (and jitter's flattening of them) visible at a glance.

use crate::fmt::px;
use crate::markup::{IntoHtml, Markup};
use faultline_sim::trace::Fate;
use faultline_sim::Run;
use std::rc::Rc;
use yew::prelude::*;

/// Width of one bucket in virtual milliseconds.
pub const BUCKET_MS: u64 = 100;

#[derive(Properties, Clone)]
pub struct Props {
    pub run: Rc<Run>,
    pub playhead: f64,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.run, &o.run)
            && (self.playhead / BUCKET_MS as f64) as u64 == (o.playhead / BUCKET_MS as f64) as u64
    }
}

/// The actor that receives the most requests, and how many.
pub fn busiest(run: &Run) -> Option<(u16, usize)> {
    (0..run.actors.len() as u16)
        .map(|a| {
            (
                a,
                run.flights
                    .iter()
                    .filter(|f| f.to == a && f.class.starts_work())
                    .count(),
            )
        })
        .max_by_key(|(_, n)| *n)
}

/// Requests arriving per bucket: (reached a running actor, lost or refused entry).
pub fn buckets(run: &Run, actor: u16, until: f64) -> Vec<(u32, u32)> {
    let n = (run.end_time() / BUCKET_MS + 1) as usize;
    let mut out = vec![(0, 0); n];
    for f in run
        .flights
        .iter()
        .filter(|f| f.to == actor && f.class.starts_work())
    {
        if f.arrives_at as f64 > until {
            continue;
        }
        let i = ((f.arrives_at / BUCKET_MS) as usize).min(n - 1);
        match f.fate {
            Fate::Delivered => out[i].0 += 1,
            _ => out[i].1 += 1,
        }
    }
    out
}

#[component]
pub fn LoadChart(p: &Props) -> Html {
    let Some((actor, total)) = busiest(&p.run) else {
        return html! {};
    };
    if total < 8 {
        return html! {};
    }
    let data = buckets(&p.run, actor, p.playhead);
    let peak = data.iter().map(|(a, b)| a + b).max().unwrap_or(0).max(1);
    let (bw, h) = (6.0, 80.0);
    let width = bw * data.len() as f64;
    // The bars as SVG text (numbers only, and the actor's name escaped):
    // far less WebAssembly than an element per rect through `html!`.
    let title = &p.run.actors[actor as usize].title;
    let mut svg = Markup::new();
    let (w, hh) = (px(width), px(h));
    markup!(
        svg,
        "<svg width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"Load on ",
        w,
        hh,
        w,
        hh
    );
    svg.text(title);
    markup!(
        svg,
        ": at most {} requests in any {} ms so far\">",
        peak,
        BUCKET_MS
    );
    for (i, (ok, lost)) in data.iter().enumerate().filter(|(_, (a, b))| a + b > 0) {
        let x = px(i as f64 * bw);
        let hk = h * f64::from(*ok) / f64::from(peak);
        let hl = h * f64::from(*lost) / f64::from(peak);
        let bwm = px(bw - 1.0);
        markup!(
            svg,
            "<g><title>{}–{} ms: {} arrived, {} lost</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"bar-ok\"></rect><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"bar-lost\"></rect></g>",
            i as u64 * BUCKET_MS,
            (i as u64 + 1) * BUCKET_MS,
            *ok,
            *lost,
            x,
            px(h - hk),
            bwm,
            px(hk),
            x,
            px(h - hk - hl),
            bwm,
            px(hl),
        );
    }
    svg.lit("</svg>");
    html! {
        <figure class="load-chart">
            <figcaption>{ format!("Requests reaching {title} per {BUCKET_MS} ms (peak {peak}); red: lost or sent while it was down") }</figcaption>
            <div class="load-scroll">{ svg.into_html() }</div>
        </figure>
    }
}
