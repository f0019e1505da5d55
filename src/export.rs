//! The diagram as a standalone SVG file (the page's colours embedded).
//! The run file (JSON) is `faultline_sim::runfile`, written and read by
//! the page's helper worker (`crate::helper`).

/// Make the diagram's SVG readable outside the page: embed the colours
/// that the page's stylesheet would otherwise supply.
pub fn standalone_svg(svg: &str) -> String {
    const STYLE: &str = "<style>text{font:12px sans-serif;fill:#1b1f24}.lane-line{stroke:#9aa4af;stroke-dasharray:4 4}.lane-head{fill:#eef2f6;stroke:#9aa4af}.flight line{stroke:#2563eb;stroke-width:2}.flight.response line{stroke:#059669}.flight.dropped line{stroke:#dc2626;stroke-dasharray:6 4}.cross,.lost-label{fill:#dc2626;font-weight:bold}.timer circle{fill:#6b7280}.timer.timeout circle{fill:#d97706}.timer-span{stroke:#d1d5db;stroke-width:3}.playhead{stroke:#7c3aed}.violation-mark line{stroke:#dc2626;stroke-width:2}.violation-mark text{fill:#dc2626}.arrowhead{fill:#374151}.packet{fill:#2563eb}</style>";
    match svg.find('>') {
        Some(i) => format!("{}{STYLE}{}", &svg[..=i], &svg[i + 1..]),
        None => svg.to_string(),
    }
}
