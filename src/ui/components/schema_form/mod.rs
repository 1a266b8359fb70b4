//! A form for any settings item: renders a [`Schema`] over the item's JSON held in one signal.
//! Inputs write straight into the JSON; errors from the server land next to the input whose
//! dotted path they name. Rows (conditions, fields, hours, ...) can be added, moved and removed.

mod path;

use leptos::prelude::*;
use serde_json::Value;

use crate::domain::editor::{Opt, Schema, Spec, SpecKind};
use crate::error::FieldError;
pub use path::Path;
use path::as_text;

#[component]
pub fn SchemaForm(
    schema: Schema,
    value: RwSignal<Value>,
    #[prop(into)] errors: Signal<Vec<FieldError>>,
) -> impl IntoView {
    let root = Path::default();
    view! {
        <div class="schema-form">
            {schema.0.into_iter().map(|spec| {
                let path = root.key(&spec.name);
                spec_input(spec, path, value, errors)
            }).collect_view()}
        </div>
    }
}

/// What a new row's input starts with.
fn initial(spec: &Spec) -> Value {
    if let Some(default) = &spec.default {
        return default.clone();
    }
    match &spec.kind {
        SpecKind::Text | SpecKind::LongText | SpecKind::Time | SpecKind::Date => {
            Value::String(String::new())
        }
        SpecKind::ChoiceBy { .. } => Value::String(String::new()),
        SpecKind::Number => Value::Null,
        SpecKind::Toggle => Value::Bool(false),
        SpecKind::Choice { options, optional } => match (optional, options.first()) {
            (false, Some(first)) => Value::String(first.value.clone()),
            _ => Value::Null,
        },
        SpecKind::Choices(_) | SpecKind::Rows(_) => Value::Array(Vec::new()),
    }
}

fn new_row(specs: &[Spec]) -> Value {
    let mut row = Value::Object(Default::default());
    for spec in specs {
        Path::default().key(&spec.name).set(&mut row, initial(spec));
    }
    row
}

/// One input (or a list of rows) with its label, hint and error, shown while its condition holds.
fn spec_input(
    spec: Spec,
    path: Path,
    value: RwSignal<Value>,
    errors: Signal<Vec<FieldError>>,
) -> AnyView {
    match spec.shown_when.clone() {
        None => labelled(&spec, &path, value, errors),
        Some(when) => {
            let sibling = path.sibling(&when.sibling);
            let shown = Memo::new(move |_| {
                let current = value.with(|v| as_text(sibling.get(v)));
                when.values.contains(&current)
            });
            (move || shown.get().then(|| labelled(&spec, &path, value, errors))).into_any()
        }
    }
}

fn labelled(
    spec: &Spec,
    path: &Path,
    value: RwSignal<Value>,
    errors: Signal<Vec<FieldError>>,
) -> AnyView {
    let id = path.id();
    let dotted = path.dotted();
    let error = Memo::new(move |_| {
        errors.with(|list| {
            list.iter()
                .find(|e| e.field == dotted)
                .map(|e| e.message.clone())
        })
    });
    let hint = (!spec.hint.is_empty()).then(|| {
        view! { <p class="field__hint" id=format!("{id}-hint")>{spec.hint.clone()}</p> }
    });
    let error_view = {
        let id = id.clone();
        move || {
            error.get().map(|m| {
                view! { <p class="field__error" id=format!("{id}-error") role="alert">{m}</p> }
            })
        }
    };
    let invalid = move || error.with(Option::is_some).then_some("true");
    let label = spec.label.clone();
    match &spec.kind {
        SpecKind::Rows(specs) => rows(label, specs.clone(), path.clone(), value, errors),
        SpecKind::Toggle => {
            let p = path.clone();
            let checked =
                move || value.with(|v| p.get(v).and_then(Value::as_bool).unwrap_or(false));
            let p = path.clone();
            view! {
                <div class="field field--toggle" class:field--invalid=move || error.with(Option::is_some)>
                    <label class="check">
                        <input id=id.clone() type="checkbox" prop:checked=checked aria-invalid=invalid
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                value.update(|v| p.set(v, Value::Bool(on)));
                            } />
                        {format!(" {label}")}
                    </label>
                    {hint}
                    {error_view}
                </div>
            }
            .into_any()
        }
        SpecKind::Choices(options) => {
            let legend_id = format!("{id}-legend");
            let labelled_by = legend_id.clone();
            let boxes = options
                .iter()
                .map(|opt| checkbox(opt.clone(), path.clone(), value))
                .collect_view();
            view! {
                <div class="field" role="group" aria-labelledby=labelled_by
                    class:field--invalid=move || error.with(Option::is_some)>
                    <span class="field__legend" id=legend_id>{label}</span>
                    <div class="field__choices">{boxes}</div>
                    {hint}
                    {error_view}
                </div>
            }
            .into_any()
        }
        kind => {
            let control = control(kind.clone(), id.clone(), path.clone(), value, invalid);
            view! {
                <div class="field" class:field--invalid=move || error.with(Option::is_some)>
                    <label for=id.clone()>{label}</label>
                    {control}
                    {hint}
                    {error_view}
                </div>
            }
            .into_any()
        }
    }
}

/// A single control writing one JSON value.
fn control(
    kind: SpecKind,
    id: String,
    path: Path,
    value: RwSignal<Value>,
    invalid: impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static,
) -> AnyView {
    let read = {
        let p = path.clone();
        move || value.with(|v| as_text(p.get(v)))
    };
    let write = {
        let p = path.clone();
        move |new: Value| value.update(|v| p.set(v, new))
    };
    match kind {
        SpecKind::LongText => view! {
            <textarea id=id rows="6" prop:value=read aria-invalid=invalid
                on:input=move |ev| write(Value::String(event_target_value(&ev)))></textarea>
        }
        .into_any(),
        SpecKind::Number => view! {
            <input id=id type="number" prop:value=read aria-invalid=invalid
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    write(number(&text));
                } />
        }
        .into_any(),
        SpecKind::Choice { options, optional } => {
            let known: Vec<String> = options.iter().map(|o| o.value.clone()).collect();
            let missing = {
                let read = read.clone();
                move || !known.contains(&read())
            };
            view! {
                <select id=id prop:value=read aria-invalid=invalid
                    on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        write(if chosen.is_empty() { Value::Null } else { Value::String(chosen) });
                    }>
                    {move || (optional || missing()).then(|| view! {
                        <option value="">{if optional { "None" } else { "Choose…" }}</option>
                    })}
                    {options.into_iter().map(|o| view! { <option value=o.value>{o.label}</option> }).collect_view()}
                </select>
            }
            .into_any()
        }
        SpecKind::ChoiceBy { sibling, options } => {
            let on = path.sibling(&sibling);
            let key = Memo::new(move |_| value.with(|v| as_text(on.get(v))));
            (move || match options.iter().find(|(k, _)| *k == key.get()) {
                None => control(SpecKind::Text, id.clone(), path.clone(), value, invalid),
                Some((_, list)) if list.is_empty() => {
                    view! { <p class="muted" id=id.clone()>"Nothing to choose."</p> }.into_any()
                }
                Some((_, list)) => control(
                    SpecKind::Choice {
                        options: list.clone(),
                        optional: false,
                    },
                    id.clone(),
                    path.clone(),
                    value,
                    invalid,
                ),
            })
            .into_any()
        }
        other => {
            let kind = match other {
                SpecKind::Time => "time",
                SpecKind::Date => "date",
                _ => "text",
            };
            view! {
                <input id=id type=kind prop:value=read aria-invalid=invalid
                    on:input=move |ev| write(Value::String(event_target_value(&ev))) />
            }
            .into_any()
        }
    }
}

/// A number input's text as JSON: empty is none, whole numbers stay whole.
fn number(text: &str) -> Value {
    let text = text.trim();
    if text.is_empty() {
        return Value::Null;
    }
    if let Ok(n) = text.parse::<i64>() {
        return Value::from(n);
    }
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

fn checkbox(opt: Opt, path: Path, value: RwSignal<Value>) -> impl IntoView {
    let checked = {
        let (p, v) = (path.clone(), opt.value.clone());
        move || {
            value.with(|root| {
                p.get(root)
                    .and_then(Value::as_array)
                    .is_some_and(|list| list.iter().any(|x| x.as_str() == Some(v.as_str())))
            })
        }
    };
    let toggle = {
        let v = opt.value.clone();
        move |on: bool| {
            value.update(|root| {
                path.with_list(root, |list| {
                    list.retain(|x| x.as_str() != Some(v.as_str()));
                    if on {
                        list.push(Value::String(v.clone()));
                    }
                })
            })
        }
    };
    view! {
        <label class="check">
            <input type="checkbox" prop:checked=checked on:change=move |ev| toggle(event_target_checked(&ev)) />
            {format!(" {}", opt.label)}
        </label>
    }
}

/// A list of objects, each edited with `specs`.
fn rows(
    label: String,
    specs: Vec<Spec>,
    path: Path,
    value: RwSignal<Value>,
    errors: Signal<Vec<FieldError>>,
) -> AnyView {
    let len = {
        let p = path.clone();
        Memo::new(move |_| value.with(|v| p.get(v).and_then(Value::as_array).map_or(0, Vec::len)))
    };
    let dotted = path.dotted();
    let list_error = Memo::new(move |_| {
        errors.with(|list| {
            list.iter()
                .find(|e| e.field == dotted)
                .map(|e| e.message.clone())
        })
    });
    let add = {
        let (p, specs) = (path.clone(), specs.clone());
        move |_| value.update(|v| p.with_list(v, |list| list.push(new_row(&specs))))
    };
    let noun = label.to_lowercase();
    let row_views = {
        let (label, path) = (label.clone(), path.clone());
        move || {
            let count = len.get();
            (0..count)
                .map(|i| row_view(&label, &specs, &path, i, count, value, errors))
                .collect_view()
        }
    };
    view! {
        <fieldset class="rows">
            <legend>{label.clone()}</legend>
            {move || list_error.get().map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
            {row_views}
            <button type="button" class="button button--small" on:click=add>{format!("Add to {noun}")}</button>
        </fieldset>
    }
    .into_any()
}

/// Row `i` of `count` of the list at `list`, with buttons to move and remove it.
fn row_view(
    label: &str,
    specs: &[Spec],
    list: &Path,
    i: usize,
    count: usize,
    value: RwSignal<Value>,
    errors: Signal<Vec<FieldError>>,
) -> AnyView {
    let row = list.index(i);
    let change = |edit: fn(&mut Vec<Value>, usize)| {
        let list = list.clone();
        move |_| value.update(|v| list.with_list(v, |l| edit(l, i)))
    };
    let name = format!("{label} {}", i + 1);
    view! {
        <div class="rows__row" role="group" aria-label=name.clone()>
            {specs.iter().map(|spec| spec_input(spec.clone(), row.key(&spec.name), value, errors)).collect_view()}
            <div class="rows__actions">
                <button type="button" class="button button--small" disabled=i == 0
                    aria-label=format!("Move {name} up") on:click=change(|l, i| l.swap(i - 1, i))>"↑"</button>
                <button type="button" class="button button--small" disabled=i + 1 == count
                    aria-label=format!("Move {name} down") on:click=change(|l, i| l.swap(i, i + 1))>"↓"</button>
                <button type="button" class="button button--small"
                    aria-label=format!("Remove {name}") on:click=change(|l, i| { l.remove(i); })>"Remove"</button>
            </div>
        </div>
    }
    .into_any()
}
