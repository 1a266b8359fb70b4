//! `/api/docs`: the OpenAPI document as a readable page (no script, no CDN), rendered once from
//! the same document `/api/v1/openapi.json` serves.

use serde_json::Value;

use crate::domain::mail::template::escape_html as esc;

/// Prose from the document: escaped, with `code` spans shown as code.
fn prose(text: &str) -> String {
    esc(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The page for `document` (an OpenAPI 3.1 document as JSON).
pub fn render(document: &Value) -> String {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    let info = &document["info"];
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — reference</title><link rel=\"stylesheet\" href=\"/pkg/docket.css\">\
         </head><body><main class=\"page api-docs\"><h1>{title} v{version}</h1><p>{description}</p>\
         <p><a href=\"/api/v1/openapi.json\">OpenAPI 3.1 document (JSON)</a></p><nav><h2>Endpoints</h2><ul>",
        title = esc(&text(info, "title")),
        version = esc(&text(info, "version")),
        description = prose(&text(info, "description")),
    );
    let empty = serde_json::Map::new();
    let paths = document["paths"].as_object().unwrap_or(&empty);
    let operations: Vec<(&str, &String, &Value)> = paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter_map(move |m| item.get(*m).map(|op| (*m, path, op)))
        })
        .collect();
    for (method, path, op) in &operations {
        html.push_str(&format!(
            "<li><a href=\"#{anchor}\"><code>{m} {p}</code></a> {summary}</li>",
            anchor = anchor(method, path),
            m = method.to_uppercase(),
            p = esc(path),
            summary = prose(&text(op, "summary")),
        ));
    }
    html.push_str("</ul></nav>");
    for (method, path, op) in &operations {
        html.push_str(&operation(method, path, op));
    }
    html.push_str("<h2>Schemas</h2>");
    if let Some(schemas) = document["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            html.push_str(&format!(
                "<section id=\"schema-{id}\" class=\"card\"><h3>{name}</h3>{body}</section>",
                id = esc(name),
                name = esc(name),
                body = schema_table(schema),
            ));
        }
    }
    html.push_str("</main></body></html>");
    html
}

fn anchor(method: &str, path: &str) -> String {
    let slug: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{method}{slug}")
}

/// The name a `$ref` points to, linked to its schema.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(items) = schema.get("items") {
        return format!("array of {}", type_of(items));
    }
    if let Some(any) = schema.get("oneOf").and_then(Value::as_array) {
        return any.iter().map(type_of).collect::<Vec<_>>().join(" or ");
    }
    match schema.get("type") {
        Some(Value::String(t)) => esc(t),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .map(esc)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".into(),
    }
}

fn operation(method: &str, path: &str, op: &Value) -> String {
    let text = |v: &Value, key: &str| prose(v.get(key).and_then(Value::as_str).unwrap_or(""));
    let mut html = format!(
        "<section id=\"{anchor}\" class=\"card\"><h3><code>{m} {p}</code></h3><p>{summary}</p><p>{description}</p>",
        anchor = anchor(method, path),
        m = method.to_uppercase(),
        p = esc(path),
        summary = text(op, "summary"),
        description = text(op, "description"),
    );
    if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
        html.push_str("<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>");
        for p in params {
            html.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(p, "name"),
                text(p, "in"),
                type_of(&p["schema"]),
                if p["required"].as_bool() == Some(true) {
                    "yes"
                } else {
                    "no"
                },
                text(p, "description"),
            ));
        }
        html.push_str("</tbody></table>");
    }
    if let Some(content) = op["requestBody"]["content"].as_object() {
        html.push_str("<h4>Request body</h4><ul>");
        for (media, body) in content {
            html.push_str(&format!(
                "<li><code>{}</code>: {}</li>",
                esc(media),
                type_of(&body["schema"])
            ));
        }
        html.push_str("</ul>");
    }
    if let Some(responses) = op["responses"].as_object() {
        html.push_str("<h4>Responses</h4><table><thead><tr><th>Status</th><th>Description</th><th>Body</th></tr></thead><tbody>");
        for (status, response) in responses {
            let body = response["content"]
                .as_object()
                .map(|c| {
                    c.iter()
                        .map(|(media, b)| {
                            format!("<code>{}</code> {}", esc(media), type_of(&b["schema"]))
                        })
                        .collect::<Vec<_>>()
                        .join("<br>")
                })
                .unwrap_or_default();
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(status),
                text(response, "description"),
                body
            ));
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</section>");
    html
}

fn schema_table(schema: &Value) -> String {
    let description = schema
        .get("description")
        .and_then(Value::as_str)
        .map(|d| format!("<p>{}</p>", esc(d)))
        .unwrap_or_default();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return format!("{description}<p>{}</p>", type_of(schema));
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut html = format!(
        "{description}<table><thead><tr><th>Property</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>"
    );
    for (name, property) in properties {
        html.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            type_of(property),
            if required.contains(&name.as_str()) {
                "yes"
            } else {
                "no"
            },
            esc(property
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")),
        ));
    }
    html.push_str("</tbody></table>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_lists_every_operation_and_escapes_what_it_shows() {
        let document = serde_json::json!({
            "info": { "title": "Docket <API>", "version": "1", "description": "d" },
            "paths": { "/api/v1/tickets/{number}": {
                "get": { "summary": "One ticket", "parameters": [
                    { "name": "number", "in": "path", "required": true, "schema": { "type": "string" } }
                ], "responses": { "200": { "description": "ok", "content": {
                    "application/json": { "schema": { "$ref": "#/components/schemas/TicketDetail" } } } } } },
                "patch": { "summary": "Change", "responses": {} }
            } },
            "components": { "schemas": { "TicketDetail": { "type": "object",
                "required": ["number"], "properties": { "number": { "type": "string" } } } } }
        });
        let html = render(&document);
        assert!(html.contains("Docket &lt;API&gt;"));
        assert!(html.contains("<code>GET /api/v1/tickets/{number}</code>"));
        assert!(html.contains("<code>PATCH /api/v1/tickets/{number}</code>"));
        assert!(html.contains("<a href=\"#schema-TicketDetail\">TicketDetail</a>"));
        assert!(html.contains("id=\"schema-TicketDetail\""));
        assert_eq!(prose("a `b<c>` d"), "a <code>b&lt;c&gt;</code> d");
    }
}
