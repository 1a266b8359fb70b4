//! A chart drawn as SVG by Leptos: grouped bars, stacked bars or lines, with a legend, a title
//! and description for screen readers, a tooltip per mark, and colours that follow the theme
//! (light or dark). The numbers behind it are in the chart's table.

use leptos::prelude::*;

use crate::domain::metrics::chart::{Chart, ChartKind, Unit};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 44.0;
/// At most this many category labels under the axis (every n-th one beyond that).
const MAX_LABELS: usize = 10;

/// The label shown under the axis, in at most `room` characters: dates without their year,
/// long names cut short (the full name is in the tooltip and the table).
fn short(label: &str, room: usize) -> String {
    let label = label.strip_prefix("Week of ").unwrap_or(label);
    let label = label
        .get(5..)
        .filter(|_| label.len() == 10 && label.as_bytes()[4] == b'-')
        .unwrap_or(label);
    if label.chars().count() > room {
        let kept: String = label.chars().take(room.saturating_sub(1)).collect();
        format!("{kept}…")
    } else {
        label.to_string()
    }
}

#[component]
pub fn ChartSvg(chart: Chart) -> impl IntoView {
    let plotted: Vec<_> = chart.plotted().cloned().collect();
    let unit = plotted.first().map_or(Unit::Count, |s| s.unit);
    let (max, step) = unit.axis(chart.max_value());
    let n = chart.categories.len().max(1);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let band = plot_w / n as f64;
    let y = move |v: f64| TOP + plot_h - (v / max).min(1.0) * plot_h;
    let title_id = format!("chart-{}-title", chart.id);
    let desc_id = format!("chart-{}-desc", chart.id);
    let description = format!(
        "{} by {}: {} series. The table below the chart has every value.",
        match chart.kind {
            ChartKind::Line => "Lines",
            ChartKind::StackedBar => "Stacked bars",
            ChartKind::Bar => "Bars",
        },
        chart.axis.to_lowercase(),
        plotted.len(),
    );

    let grid = (0..=4)
        .map(|i| {
            let value = step * i as f64;
            let at = y(value);
            view! {
                <line class="chart__grid" x1=LEFT x2=WIDTH - RIGHT y1=at y2=at />
                <text class="chart__tick" x=LEFT - 6.0 y=at + 4.0 text-anchor="end">{unit.format(value)}</text>
            }
        })
        .collect_view();
    let every = n.div_ceil(MAX_LABELS).max(1);
    // About 6 units of width per character at the labels' size.
    let room = ((band * every as f64 / 6.5) as usize).clamp(4, 16);
    let labels = chart
        .categories
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, label)| {
            let x = LEFT + band * (i as f64 + 0.5);
            view! { <text class="chart__label" x=x y=HEIGHT - BOTTOM + 16.0 text-anchor="middle">{short(label, room)}</text> }
        })
        .collect_view();

    let marks = match chart.kind {
        ChartKind::Line => plotted
            .iter()
            .enumerate()
            .map(|(s, series)| {
                let mut d = String::new();
                let mut pen_up = true;
                for (i, value) in series.values.iter().enumerate() {
                    match value {
                        Some(v) => {
                            let x = LEFT + band * (i as f64 + 0.5);
                            d.push_str(&format!("{}{x:.1},{:.1} ", if pen_up { "M" } else { "L" }, y(*v)));
                            pen_up = false;
                        }
                        None => pen_up = true,
                    }
                }
                let dots = series
                    .values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.map(|v| (i, v)))
                    .map(|(i, v)| {
                        let tip = format!("{}, {}: {}", chart.categories[i], series.name, series.unit.format(v));
                        view! { <circle class=format!("chart__dot chart__s{s}") cx=LEFT + band * (i as f64 + 0.5) cy=y(v) r="3"><title>{tip}</title></circle> }
                    })
                    .collect_view();
                view! { <path class=format!("chart__line chart__s{s}") d=d /> {dots} }
            })
            .collect_view()
            .into_any(),
        ChartKind::Bar | ChartKind::StackedBar => {
            let stacked = chart.kind == ChartKind::StackedBar;
            let inner = band * 0.8;
            let width = if stacked { inner } else { inner / plotted.len().max(1) as f64 };
            (0..chart.categories.len())
                .flat_map(|i| {
                    let mut base = 0.0;
                    plotted
                        .iter()
                        .enumerate()
                        .filter_map(|(s, series)| {
                            let v = series.values.get(i).copied().flatten()?;
                            let x = LEFT + band * i as f64 + band * 0.1 + if stacked { 0.0 } else { width * s as f64 };
                            let (top, bottom) = if stacked { (y(base + v), y(base)) } else { (y(v), y(0.0)) };
                            base += v;
                            let tip = format!("{}, {}: {}", chart.categories[i], series.name, series.unit.format(v));
                            (v > 0.0).then(|| view! {
                                <rect class=format!("chart__bar chart__s{s}") x=x y=top width=width.max(1.0) height=(bottom - top).max(0.5)>
                                    <title>{tip}</title>
                                </rect>
                            })
                        })
                        .collect::<Vec<_>>()
                })
                .collect_view()
                .into_any()
        }
    };

    let legend = plotted
        .iter()
        .enumerate()
        .map(|(s, series)| view! { <li><span class=format!("chart__swatch chart__s{s}") aria-hidden="true"></span>{series.name.clone()}</li> })
        .collect_view();
    let empty = chart.categories.is_empty()
        || plotted
            .iter()
            .all(|s| s.values.iter().all(|v| v.unwrap_or(0.0) == 0.0));
    view! {
        {if empty {
            view! { <p class="empty">"Nothing to show for this range."</p> }.into_any()
        } else {
            view! {
                <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                    aria-labelledby=format!("{title_id} {desc_id}") preserveAspectRatio="xMidYMid meet">
                    <title id=title_id.clone()>{chart.title.clone()}</title>
                    <desc id=desc_id.clone()>{description.clone()}</desc>
                    {grid}
                    <line class="chart__axis" x1=LEFT x2=WIDTH - RIGHT y1=TOP + plot_h y2=TOP + plot_h />
                    {marks}
                    {labels}
                </svg>
                <ul class="chart__legend">{legend}</ul>
            }.into_any()
        }}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_drop_the_year_and_stay_short() {
        assert_eq!(short("2026-11-02", 8), "11-02");
        assert_eq!(short("Week of 2026-11-02", 8), "11-02");
        assert_eq!(short("A very long department name", 14), "A very long d…");
    }
}
