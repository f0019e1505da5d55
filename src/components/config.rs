//! The config panel, drawn from the lab's config schema.

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
                let on = p.on.clone();
                let onchange = Callback::from(move |e: Event| {
                    let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                    if options.iter().any(|(v, _)| *v == value) {
                        on.emit(Action::SetConfig(key.to_string(), ConfigValue::Choice(value)));
                    } else {
                        on.emit(Action::Notify(crate::state::Notice {
                            text: "Please pick one of the listed options for this setting.".into(),
                            is_error: true,
                        }));
                    }
                });
                let opts = options.iter().map(|(v, label)| html! {
                    <option value={*v} selected={*v == current}>{ *label }</option>
                });
                html! {
                    <div class="field choice">
                        <label for={id.clone()}>{ field.label }<small>{ field.help }</small></label>
                        <select id={id} {onchange}>{ for opts }</select>
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
                        <label for={id}>{ field.label }<small>{ field.help }</small></label>
                    </div>
                }
            }
            FieldKind::Number { default, min, max, step, unit } => {
                let value = match p.config.get(key) {
                    Some(ConfigValue::Int(v)) => *v,
                    _ => default,
                };
                let on = p.on.clone();
                let onchange = Callback::from(move |e: Event| {
                    let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
                    match input.value().trim().parse::<i64>() {
                        Ok(v) if (min..=max).contains(&v) => on.emit(Action::SetConfig(key.to_string(), ConfigValue::Int(v))),
                        _ => {
                            input.set_value(&value.to_string());
                            on.emit(Action::Notify(crate::state::Notice {
                                text: format!("Please enter a whole number from {min} to {max} for this setting."),
                                is_error: true,
                            }));
                        }
                    }
                });
                html! {
                    <div class="field number">
                        <label for={id.clone()}>{ field.label }{ if unit.is_empty() { String::new() } else { format!(" ({unit})") } }<small>{ field.help }</small></label>
                        <input type="number" id={id} value={value.to_string()} min={min.to_string()} max={max.to_string()} step={step.to_string()} {onchange} />
                    </div>
                }
            }
        }
    });
    html! {
        <section class="panel config" aria-labelledby="cfg-h">
            <h2 id="cfg-h">{ "Settings" }</h2>
            <form onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>{ for rows }</form>
        </section>
    }
}
