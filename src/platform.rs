//! The few browser facts the app reads (time for measuring, media
//! queries), with native fallbacks so state and views test without a DOM.

/// A monotonic millisecond clock, for measuring only (never for the simulation).
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// Does the user ask for reduced motion?
pub fn prefers_reduced_motion() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| {
                w.match_media("(prefers-reduced-motion: reduce)")
                    .ok()
                    .flatten()
            })
            .is_some_and(|m| m.matches())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        false
    }
}

/// Whether the window is a phone's width (600 px or less): the diagram is
/// then drawn with narrow lanes, to the screen's width.
pub fn is_narrow() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.match_media(NARROW).ok().flatten())
            .is_some_and(|m| m.matches())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        false
    }
}

/// The media query of a phone's width (as in `static/style.css`).
#[cfg(target_arch = "wasm32")]
const NARROW: &str = "(max-width: 600px)";

/// Grow the wasm heap once by 32 MB and hand it back to the allocator, so
/// a large run later takes memory already claimed instead of growing wasm
/// memory page by page while it runs (that made a re-simulation twice as
/// slow). Nothing to do natively.
pub fn claim_heap() {
    #[cfg(target_arch = "wasm32")]
    drop(std::hint::black_box(Vec::<u8>::with_capacity(32 << 20)));
}
