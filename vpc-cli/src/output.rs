//! Printing an answer as tccli does: the answer projected through the spec (every
//! member its type declares, in spec order, `null` where absent, unknown members
//! dropped, as tccli's SDK models do), `--filter` (JMESPath), then `json` (indent 4,
//! non-ASCII kept), `text` or `table`, ports of tccli's `text.py` and `table.py`.

use std::io::Write;

use serde::Serialize as _;
use serde_json::{Map, Value};

use crate::error::CliError;
use crate::table::{Member, Service, Ty};

/// The answer as tccli's SDK models print it: each member of `members` in order,
/// `null` where the answer has none; objects inside projected the same way.
pub fn project(service: &Service, members: &[Member], answer: &Value) -> Value {
    let Value::Object(map) = answer else {
        return answer.clone();
    };
    let mut out = Map::new();
    for member in members {
        let value = map.get(member.name).unwrap_or(&Value::Null);
        out.insert(
            member.name.to_owned(),
            project_value(service, member.ty, value),
        );
    }
    Value::Object(out)
}

fn project_value(service: &Service, ty: Ty, value: &Value) -> Value {
    match (ty, value) {
        (Ty::Object(name), Value::Object(_)) => match service.object(name) {
            Some(object) => project(service, object.members, value),
            None => value.clone(),
        },
        (Ty::List(inner), Value::Array(items)) if matches!(inner, Ty::Object(_)) => Value::Array(
            items
                .iter()
                .map(|item| project_value(service, *inner, item))
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// Applies `--filter`: a JMESPath expression over the answer.
///
/// # Errors
///
/// A usage error when the expression does not parse or cannot be evaluated.
pub fn filter(value: &Value, expression: &str) -> Result<Value, CliError> {
    let expr = jmespath::compile(expression)
        .map_err(|e| CliError::usage(format!("argument --filter: {e}")))?;
    let data = jmespath::Variable::from_serializable(value)
        .map_err(|e| CliError::usage(format!("argument --filter: {e}")))?;
    let result = expr
        .search(data)
        .map_err(|e| CliError::usage(format!("argument --filter: {e}")))?;
    let result = serde_json::to_value(&*result)
        .map_err(|e| CliError::usage(format!("argument --filter: {e}")))?;
    // The crate keeps objects in sorted maps; Python's keeps the answer's order. An
    // object of the result that has the keys of an object of the answer gets its order.
    // A multiselect hash (`{b: X, a: Y}`) keeps the expression's order, as in Python.
    let mut orders = std::collections::HashMap::new();
    key_orders(value, &mut orders);
    hash_orders(expr.as_ast(), &mut orders);
    Ok(reorder(result, &orders))
}

fn hash_orders(
    ast: &jmespath::ast::Ast,
    orders: &mut std::collections::HashMap<Vec<String>, Vec<String>>,
) {
    use jmespath::ast::Ast;
    match ast {
        Ast::MultiHash { elements, .. } => {
            let keys: Vec<String> = elements.iter().map(|pair| pair.key.clone()).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            orders.insert(sorted, keys);
            elements
                .iter()
                .for_each(|pair| hash_orders(&pair.value, orders));
        }
        Ast::Comparison { lhs, rhs, .. }
        | Ast::Projection { lhs, rhs, .. }
        | Ast::And { lhs, rhs, .. }
        | Ast::Or { lhs, rhs, .. }
        | Ast::Subexpr { lhs, rhs, .. } => {
            hash_orders(lhs, orders);
            hash_orders(rhs, orders);
        }
        Ast::Condition {
            predicate, then, ..
        } => {
            hash_orders(predicate, orders);
            hash_orders(then, orders);
        }
        Ast::Expref { ast: node, .. }
        | Ast::Flatten { node, .. }
        | Ast::Not { node, .. }
        | Ast::ObjectValues { node, .. } => hash_orders(node, orders),
        Ast::Function { args: elements, .. } | Ast::MultiList { elements, .. } => {
            elements.iter().for_each(|node| hash_orders(node, orders));
        }
        _ => {}
    }
}

fn key_orders(value: &Value, orders: &mut std::collections::HashMap<Vec<String>, Vec<String>>) {
    match value {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let mut sorted = keys.clone();
            sorted.sort();
            orders.entry(sorted).or_insert(keys);
            map.values().for_each(|v| key_orders(v, orders));
        }
        Value::Array(items) => items.iter().for_each(|v| key_orders(v, orders)),
        _ => {}
    }
}

fn reorder(value: Value, orders: &std::collections::HashMap<Vec<String>, Vec<String>>) -> Value {
    match value {
        Value::Object(mut map) => {
            let mut sorted: Vec<String> = map.keys().cloned().collect();
            sorted.sort();
            let order = orders.get(&sorted).cloned().unwrap_or(sorted);
            let mut out = Map::new();
            for key in order {
                if let Some(item) = map.remove(&key) {
                    out.insert(key, reorder(item, orders));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| reorder(v, orders)).collect())
        }
        other => other,
    }
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// tccli's JSON.
    Json,
    /// tccli's tab-separated text.
    Text,
    /// tccli's boxed table.
    Table,
}

impl Format {
    /// Reads `--output`'s value.
    ///
    /// # Errors
    ///
    /// A usage error for any other value, with tccli's message.
    pub fn parse(text: &str) -> Result<Self, CliError> {
        match text {
            "json" => Ok(Format::Json),
            "text" => Ok(Format::Text),
            "table" => Ok(Format::Table),
            other => Err(CliError::usage(format!(
                "Unknown output format: {other}\nCurrently supported output formats: \"json\", \"text\" and \"table\"."
            ))),
        }
    }
}

/// Prints `value` in `format`, as tccli: nothing at all for a `null` (a filter that
/// matched nothing) in JSON.
///
/// # Errors
///
/// When writing fails.
pub fn print(value: &Value, format: Format, out: &mut dyn Write) -> Result<(), CliError> {
    let text = match format {
        Format::Json if value.is_null() => String::new(),
        Format::Json => format!("{}\n", json(value)),
        Format::Text => text(value),
        Format::Table => table(value)?,
    };
    match out.write_all(text.as_bytes()) {
        // A reader that went away (`| head`) is not a failure, as in tccli.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result.map_err(|e| CliError::Failed(format!("cannot write the output: {e}"))),
    }
}

/// JSON as Python's `json.dumps(value, ensure_ascii=False, indent=4)`.
pub fn json(value: &Value) -> String {
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    // Serializing a Value into memory cannot fail.
    let _ = value.serialize(&mut serializer);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A value as Python's `str()` prints it: `None`, `True`, text without quotes.
fn py_str(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::String(text) => text.clone(),
        Value::Number(n) => n.to_string(),
        // Python prints a list or dict as its repr; tccli only gets here for mixed lists.
        other => other.to_string(),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

// ---- text (tccli/text.py) ----

/// tccli's `--output text`.
pub fn text(value: &Value) -> String {
    let mut out = String::new();
    format_text(value, &mut out, None, None);
    out
}

fn format_text(item: &Value, out: &mut String, identifier: Option<&str>, keys: Option<&[String]>) {
    match item {
        Value::Object(map) => format_dict(keys, map, identifier, out),
        Value::Array(items) => format_list(items, identifier, out),
        scalar => {
            out.push_str(&py_str(scalar));
            out.push('\n');
        }
    }
}

fn format_list(items: &[Value], identifier: Option<&str>, out: &mut String) {
    if items.is_empty() {
        return;
    }
    if items.iter().any(Value::is_object) {
        let mut keys: Vec<String> = items
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|map| {
                map.iter()
                    .filter(|(_, v)| is_scalar(v))
                    .map(|(k, _)| k.clone())
            })
            .collect();
        keys.sort();
        keys.dedup();
        for element in items {
            format_text(element, out, identifier, Some(&keys));
        }
    } else if items.iter().any(Value::is_array) {
        let (scalars, others): (Vec<&Value>, Vec<&Value>) =
            items.iter().partition(|item| is_scalar(item));
        if !scalars.is_empty() {
            format_scalar_list(&scalars, identifier, out);
        }
        for other in others {
            format_text(other, out, identifier, None);
        }
    } else {
        let all: Vec<&Value> = items.iter().collect();
        format_scalar_list(&all, identifier, out);
    }
}

fn format_scalar_list(items: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(identifier) => {
            for item in items {
                out.push_str(&format!(
                    "{}\t{}\n",
                    identifier.to_uppercase(),
                    py_str(item)
                ));
            }
        }
        None => {
            let texts: Vec<String> = items.iter().map(|item| py_str(item)).collect();
            out.push_str(&texts.join("\t"));
            out.push('\n');
        }
    }
}

fn format_dict(
    keys: Option<&[String]>,
    map: &Map<String, Value>,
    identifier: Option<&str>,
    out: &mut String,
) {
    let mut scalars: Vec<String> = Vec::new();
    let mut others: Vec<(String, &Value)> = Vec::new();
    match keys {
        None => {
            let mut sorted: Vec<(&String, &Value)> = map.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (key, value) in sorted {
                if is_scalar(value) {
                    scalars.push(py_str(value));
                } else {
                    others.push((key.clone(), value));
                }
            }
        }
        Some(keys) => {
            for key in keys {
                scalars.push(map.get(key).map(py_str).unwrap_or_default());
            }
            let mut rest: Vec<&String> = map.keys().filter(|k| !keys.contains(k)).collect();
            rest.sort();
            for key in rest {
                if let Some(value) = map.get(key) {
                    others.push((key.clone(), value));
                }
            }
        }
    }
    if !scalars.is_empty() {
        if let Some(identifier) = identifier {
            scalars.insert(0, identifier.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (key, value) in others {
        format_text(value, out, Some(&key), None);
    }
}

// ---- table (tccli/table.py) ----

/// tccli's `--output table`, for a terminal 80 columns wide (or `COLUMNS`), uncoloured.
///
/// # Errors
///
/// When a list mixes rows of different lengths, which tccli also refuses.
pub fn table(value: &Value) -> Result<String, CliError> {
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(80);
    let mut table = MultiTable {
        sections: Vec::new(),
        terminal_width: width,
    };
    if value.is_null() {
        return Ok(String::new());
    }
    table.build(Some("action"), value, 0)?;
    Ok(table.render())
}

#[derive(Default)]
struct Section {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent: usize,
    columns: Option<usize>,
    widths: Vec<usize>,
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Python 3's `round()`: half to even.
fn round_half_even(x: f64) -> i64 {
    let floor = x.floor();
    let diff = x - floor;
    let rounded = if (diff - 0.5).abs() < f64::EPSILON * x.abs().max(1.0) {
        if (floor as i64) % 2 == 0 {
            floor
        } else {
            floor + 1.0
        }
    } else {
        x.round()
    };
    rounded as i64
}

impl Section {
    fn column_widths(&self, padding: usize, max_width: Option<usize>) -> Vec<usize> {
        let unscaled: Vec<usize> = self.widths.iter().map(|w| w + padding).collect();
        let (Some(max_width), false) = (max_width, unscaled.is_empty()) else {
            return unscaled;
        };
        let total: usize = unscaled.iter().sum();
        let factor = max_width as f64 / total as f64;
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|w| round_half_even(factor * *w as f64))
            .collect();
        let mut off_by: i64 = scaled.iter().sum::<i64>() - max_width as i64;
        while off_by != 0 {
            let order: Vec<usize> = if off_by < 0 {
                (0..scaled.len()).rev().collect()
            } else {
                (0..scaled.len()).collect()
            };
            for i in order {
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled.into_iter().map(|w| w.max(0) as usize).collect()
    }

    fn total_width(&self, padding: usize, outer: usize) -> usize {
        let total: usize = self
            .column_widths(0, None)
            .iter()
            .map(|w| w + padding)
            .sum::<usize>()
            + 2
            + outer * 2;
        total.max(chars(&self.title) + 2 + outer * 2)
    }

    fn update_widths(&mut self, row: &[String]) {
        if self.widths.is_empty() {
            self.widths = row.iter().map(|el| chars(el)).collect();
        } else {
            for (i, el) in row.iter().enumerate() {
                if let Some(width) = self.widths.get_mut(i) {
                    *width = (*width).max(chars(el));
                }
            }
        }
    }

    fn add_header(&mut self, headers: Vec<String>) {
        self.update_widths(&headers);
        if self.columns.is_none() {
            self.columns = Some(headers.len());
        }
        self.headers = headers;
    }

    fn add_row(&mut self, row: Vec<String>) -> Result<(), CliError> {
        let columns = *self.columns.get_or_insert(row.len());
        if row.len() != columns {
            return Err(CliError::Failed(format!(
                "Row should have {columns} elements, instead it has {}",
                row.len()
            )));
        }
        self.update_widths(&row);
        self.rows.push(row);
        Ok(())
    }
}

struct MultiTable {
    sections: Vec<Section>,
    terminal_width: usize,
}

fn center(text: &str, length: usize, left: &str, right: &str) -> String {
    let text_length = chars(text) as i64;
    let length = length as i64;
    let start = (length / 2 - text_length / 2 - 1).max(0);
    let so_far = chars(left) as i64 + start + text_length;
    let right_spaces = (length - chars(right) as i64 - so_far).max(0);
    format!(
        "{left}{}{text}{}{right}",
        " ".repeat(start as usize),
        " ".repeat(right_spaces as usize)
    )
}

fn align_left(text: &str, length: usize, left: &str, right: &str) -> String {
    let text_length = chars(text);
    let computed = text_length + 2 + chars(left) + chars(right);
    let padding = if length >= computed { 2 } else { 0 };
    let so_far = chars(left) + padding + text_length;
    let rest = length.saturating_sub(so_far + chars(right));
    format!(
        "{left}{}{text}{}{right}",
        " ".repeat(padding),
        " ".repeat(rest)
    )
}

impl MultiTable {
    fn current(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.sections.push(Section::default());
        }
        let last = self.sections.len() - 1;
        &mut self.sections[last]
    }

    fn new_section(&mut self, title: &str, indent: usize) {
        self.sections.push(Section {
            title: title.to_owned(),
            indent,
            ..Section::default()
        });
    }

    fn build(
        &mut self,
        title: Option<&str>,
        current: &Value,
        indent: usize,
    ) -> Result<(), CliError> {
        if current.is_null() {
            return Ok(());
        }
        if let Some(title) = title {
            self.new_section(title, indent);
        }
        match current {
            Value::Array(items) if !items.is_empty() => {
                if items[0].is_object() {
                    self.sub_table_from_list(items, indent, title)?;
                } else {
                    for item in items {
                        match item {
                            Value::Array(row) if row.iter().all(is_scalar) => {
                                self.current().add_row(row.iter().map(py_str).collect())?;
                            }
                            Value::Array(_) | Value::Object(_) => self.build(None, item, 0)?,
                            scalar => self.current().add_row(vec![py_str(scalar)])?,
                        }
                    }
                }
            }
            Value::Object(map) => self.sub_table_from_dict(map, indent)?,
            other => self.current().add_row(vec![py_str(other)])?,
        }
        Ok(())
    }

    fn sub_table_from_dict(
        &mut self,
        map: &Map<String, Value>,
        indent: usize,
    ) -> Result<(), CliError> {
        let (headers, more) = group_keys(map);
        if headers.len() == 1 {
            let value = py_str(&map[&headers[0]]);
            self.current().add_row(vec![headers[0].clone(), value])?;
        } else if !headers.is_empty() {
            let row = headers.iter().map(|k| py_str(&map[k])).collect();
            self.current().add_header(headers);
            self.current().add_row(row)?;
        }
        for key in more {
            self.build(Some(&key), &map[&key], indent + 1)?;
        }
        Ok(())
    }

    fn sub_table_from_list(
        &mut self,
        items: &[Value],
        indent: usize,
        title: Option<&str>,
    ) -> Result<(), CliError> {
        let mut headers: Vec<String> = Vec::new();
        let mut more: Vec<String> = Vec::new();
        for item in items {
            if let Value::Object(map) = item {
                let (h, m) = group_keys(map);
                headers.extend(h);
                more.extend(m);
            }
        }
        headers.sort();
        headers.dedup();
        more.sort();
        more.dedup();
        self.current().add_header(headers.clone());
        let mut first = true;
        for element in items {
            if !first && !more.is_empty() {
                self.new_section(title.unwrap_or_default(), indent);
                self.current().add_header(headers.clone());
            }
            first = false;
            let row = headers
                .iter()
                .map(|h| element.get(h).map(py_str).unwrap_or_default())
                .collect();
            self.current().add_row(row)?;
            for key in &more {
                if let Some(value) = element.get(key) {
                    self.build(Some(key), value, indent + 1)?;
                }
            }
        }
        Ok(())
    }

    fn max_width(&self) -> usize {
        self.sections
            .iter()
            .map(|s| s.total_width(4, s.indent))
            .max()
            .unwrap_or(0)
    }

    fn render(&mut self) -> String {
        let mut max_width = self.max_width();
        if max_width > self.terminal_width {
            for section in &mut self.sections {
                if section.rows.len() == 1 && !section.headers.is_empty() {
                    let headers = std::mem::take(&mut section.headers);
                    let row = section.rows.remove(0);
                    let mut vertical = Section {
                        title: std::mem::take(&mut section.title),
                        indent: section.indent,
                        ..Section::default()
                    };
                    for (header, element) in headers.into_iter().zip(row) {
                        // Two columns every time: cannot fail.
                        let _ = vertical.add_row(vec![header, element]);
                    }
                    *section = vertical;
                }
            }
            max_width = self.max_width();
        }
        let mut out = format!("{}\n", "-".repeat(max_width));
        for section in &self.sections {
            render_section(section, max_width, &mut out);
        }
        out
    }
}

fn write_indented(out: &mut String, indent: usize, line: &str) {
    out.push_str(&"|".repeat(indent));
    out.push_str(line);
    out.push_str(&"|".repeat(indent));
    out.push('\n');
}

fn line_break(widths: &[usize]) -> String {
    let mut parts = String::new();
    for (i, width) in widths.iter().enumerate() {
        if i == 0 {
            parts.push_str(&format!("+{}+", "-".repeat(width.saturating_sub(2))));
        } else {
            parts.push_str(&format!("{}+", "-".repeat(width.saturating_sub(1))));
        }
    }
    parts
}

fn render_section(section: &Section, max_width: usize, out: &mut String) {
    let indent = section.indent;
    let max_width = max_width.saturating_sub(indent * 2);
    if !section.title.is_empty() {
        write_indented(out, indent, &center(&section.title, max_width, "|", "|"));
        if section.headers.is_empty() && section.rows.is_empty() {
            write_indented(
                out,
                indent,
                &format!("+{}+", "-".repeat(max_width.saturating_sub(2))),
            );
        }
    }
    if !section.headers.is_empty() {
        let widths = section.column_widths(4, Some(max_width));
        let mut current = String::new();
        for (i, (width, header)) in widths.iter().zip(&section.headers).enumerate() {
            let left = if i == 0 { "|" } else { "" };
            current.push_str(&center(header, *width, left, "|"));
        }
        write_indented(out, indent, &line_break(&widths));
        write_indented(out, indent, &current);
    }
    if !section.rows.is_empty() {
        let widths = section.column_widths(4, Some(max_width));
        if widths.is_empty() {
            return;
        }
        write_indented(out, indent, &line_break(&widths));
        for row in &section.rows {
            let mut current = String::new();
            for (i, (width, element)) in widths.iter().zip(row).enumerate() {
                let left = if i == 0 { "|" } else { "" };
                current.push_str(&align_left(element, *width, left, "|"));
            }
            write_indented(out, indent, &current);
        }
        write_indented(out, indent, &line_break(&widths));
    }
}

fn group_keys(map: &Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let mut headers = Vec::new();
    let mut more = Vec::new();
    for (key, value) in map {
        if is_scalar(value) {
            headers.push(key.clone());
        } else {
            more.push(key.clone());
        }
    }
    headers.sort();
    more.sort();
    (headers, more)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_is_pythons() {
        let value = json!({"A": [], "B": {}, "C": "私有网络", "D": [1, 2.5, null, true]});
        assert_eq!(
            json(&value),
            "{\n    \"A\": [],\n    \"B\": {},\n    \"C\": \"私有网络\",\n    \"D\": [\n        1,\n        2.5,\n        null,\n        true\n    ]\n}"
        );
    }

    #[test]
    fn text_is_tccli_text() {
        let value = json!({"TotalCount": 1, "VpcSet": [{"VpcId": "vpc-1", "Tags": [], "IsDefault": false}], "RequestId": "r"});
        assert_eq!(text(&value), "r\t1\nVPCSET\tFalse\tvpc-1\n");
    }

    #[test]
    fn filter_keeps_pythons_key_order() {
        let answer =
            json!({"VpcSet": [{"VpcName": "a", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]});
        let first = filter(&answer, "VpcSet[0]").expect("filter");
        let keys: Vec<&String> = first.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["VpcName", "VpcId", "CidrBlock"]);
        let hash = filter(&answer, "VpcSet[].{name: VpcName, id: VpcId}").expect("filter");
        assert_eq!(
            json(&hash),
            "[\n    {\n        \"name\": \"a\",\n        \"id\": \"vpc-1\"\n    }\n]"
        );
    }

    #[test]
    fn python_rounds_half_to_even() {
        assert_eq!(round_half_even(2.5), 2);
        assert_eq!(round_half_even(3.5), 4);
        assert_eq!(round_half_even(2.4), 2);
        assert_eq!(round_half_even(2.6), 3);
    }
}
