//! The config panel, drawn from the lab's config schema.

use super::raw::raw;
use crate::markup::Markup;
use crate::state::Action;
use faultline_sim::lab::{ConfigField, FieldKind};
use faultline_sim::scenario::{Config, ConfigValue};
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub fields: Vec<ConfigField>,
    pub config: Config,
    pub on: Callback<Action>,
}

/// A field's label (and its unit, if any) with its help, as HTML text
/// (escaped): the labels and options only show text, far less WebAssembly
/// than `html!`; the inputs stay `html!`, as they hold the learner's input.
fn label(id: &str, field: &ConfigField, unit: &str) -> Html {
    let mut out = Markup::from_lit("<label for=\"");
    out.text(id);
    out.lit("\">");
    out.text(field.label);
    if !unit.is_empty() {
        out.lit(" (");
        out.text(unit);
        out.lit(")");
    }
    out.lit("<small>");
    out.text(field.help);
    out.lit("</small></label>");
    raw(out)
}

#[component]
pub fn ConfigPanel(p: &Props) -> Html {
    let rows = p.fields.iter().map(|field| {
        let key = field.key;
        let id = format!("cfg-{key}");
        match field.kind {
            FieldKind::Choice { default, options } => {
                let current = match p.config.get(key) {
                    Some(ConfigValue::Choice(c)) if options.iter().any(|(v, _)| v == c) => c.as_str(),
                    _ => default,
                };
                let onchange = on_choice(p.on.clone(), key, options);
                html! {
                    <div class="field choice">
                        { label(&id, field, "") }
                        <select id={id} {onchange}>{ raw(choice_options(options, current)) }</select>
                    </div>
                }
            }
            FieldKind::Toggle { default } => {
                let checked = match p.config.get(key) {
                    Some(ConfigValue::Bool(b)) => *b,
                    _ => default,
                };
                let onchange = p.on.reform(move |e: Event| {
                    let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().checked();
                    Action::SetConfig(key.to_string(), ConfigValue::Bool(v))
                });
                html! {
                    <div class="field toggle">
                        <input type="checkbox" id={id.clone()} {checked} {onchange} />
                        { label(&id, field, "") }
                    </div>
                }
            }
            FieldKind::Number { default, min, max, step, unit } => {
                let value = match p.config.get(key) {
                    Some(ConfigValue::Int(v)) => *v,
                    _ => default,
                };
                let onchange = on_number(p.on.clone(), key, value, min, max);
                html! {
                    <div class="field number">
                        { label(&id, field, unit) }
                        <input type="number" id={id} value={value.to_string()} min={min.to_string()} max={max.to_string()} step={step.to_string()} {onchange} />
                    </div>
                }
            }
        }
    });
    html! {
        <section class="panel config" id="settings-panel" aria-labelledby="cfg-h">
            <h2 id="cfg-h">{ "Settings" }</h2>
            <form onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>{ for rows }</form>
        </section>
    }
}

/// A choice's options, the `current` one selected, as HTML text (escaped).
fn choice_options(options: &[(&str, &str)], current: &str) -> Markup {
    let mut opts = Markup::new();
    for (v, label) in options {
        opts.lit("<option value=\"");
        opts.text(v);
        opts.lit(if *v == current { "\" selected>" } else { "\">" });
        opts.text(label);
        opts.lit("</option>");
    }
    opts
}

/// A choice's change: set `key` to one of its `options`, else say so.
fn on_choice(
    on: Callback<Action>,
    key: &'static str,
    options: &'static [(&'static str, &'static str)],
) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let value = e
            .target_unchecked_into::<web_sys::HtmlSelectElement>()
            .value();
        if options.iter().any(|(v, _)| *v == value) {
            on.emit(Action::SetConfig(
                key.to_string(),
                ConfigValue::Choice(value),
            ));
        } else {
            on.emit(Action::Notify(crate::state::Notice {
                text: "Please pick one of the listed options for this setting.".into(),
                is_error: true,
            }));
        }
    })
}

/// A number's change: set `key` to a whole number from `min` to `max`,
/// else put back `value` and say so.
fn on_number(
    on: Callback<Action>,
    key: &'static str,
    value: i64,
    min: i64,
    max: i64,
) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
        match input.value().trim().parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => {
                on.emit(Action::SetConfig(key.to_string(), ConfigValue::Int(v)))
            }
            _ => {
                input.set_value(&value.to_string());
                on.emit(Action::Notify(crate::state::Notice {
                    text: format!(
                        "Please enter a whole number from {min} to {max} for this setting."
                    ),
                    is_error: true,
                }));
            }
        }
    })
}
