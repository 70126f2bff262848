//! How an answer is printed (`--output`): pretty JSON for people (the default), one line of
//! JSON for pipes (`json`, one answer per line for `jq` and logs), or a table (`table`) of
//! the answer's list (a card's codes, a page of orders), or of its fields when it has none.

use std::io::{self, Write};

use clap::{Arg, ArgMatches};
use serde_json::{Map, Value};
use unicode_width::UnicodeWidthStr;

/// The global flag choosing the format.
pub(crate) const OUTPUT: &str = "output";

/// The most columns a table cell takes; a longer value is cut, ending in `…`.
const CELL_WIDTH: usize = 48;

/// How the answer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Indented JSON.
    Pretty,
    /// JSON on one line.
    Json,
    /// Aligned columns.
    Table,
}

/// `--output FORMAT` (`-o`), on every subcommand.
pub(crate) fn arg() -> Arg {
    Arg::new(OUTPUT)
        .long(OUTPUT)
        .short('o')
        .global(true)
        .value_name("FORMAT")
        .value_parser(["pretty", "json", "table"])
        .default_value("pretty")
        .help("How the answer is printed: pretty JSON, JSON on one line, or a table of its list")
}

/// The format the matches ask for.
pub(crate) fn format(matches: &ArgMatches) -> Format {
    match matches.get_one::<String>(OUTPUT).map(String::as_str) {
        Some("json") => Format::Json,
        Some("table") => Format::Table,
        _ => Format::Pretty,
    }
}

/// Writes `answer` in `format`, ending with a line break.
pub(crate) fn write(answer: &Value, format: Format, out: &mut impl Write) -> io::Result<()> {
    match format {
        Format::Pretty => serde_json::to_writer_pretty(&mut *out, answer)?,
        Format::Json => serde_json::to_writer(&mut *out, answer)?,
        Format::Table => out.write_all(table(answer).as_bytes())?,
    }
    writeln!(out)
}

/// The answer as a table: the rows of its list of objects (the longest, if it has several),
/// or one row per field.
fn table(answer: &Value) -> String {
    let rows: Vec<&Map<String, Value>> = match rows(answer) {
        Some(rows) => rows,
        None => {
            let Some(fields) = answer.as_object() else { return cell(answer) };
            let pairs: Vec<Value> =
                fields.iter().map(|(k, v)| serde_json::json!({"field": k, "value": v})).collect();
            return render(&pairs.iter().filter_map(Value::as_object).collect::<Vec<_>>());
        }
    };
    render(&rows)
}

/// The objects of the answer's list: the answer itself when it is one, else its longest
/// field holding objects.
fn rows(answer: &Value) -> Option<Vec<&Map<String, Value>>> {
    objects(answer).or_else(|| {
        let fields = answer.as_object()?;
        fields.values().filter_map(objects).max_by_key(Vec::len)
    })
}

/// The items of `value` when it is a list of objects, at least one.
fn objects(value: &Value) -> Option<Vec<&Map<String, Value>>> {
    let items = value.as_array()?;
    items.iter().map(Value::as_object).collect::<Option<Vec<_>>>().filter(|rows| !rows.is_empty())
}

/// Columns in the order their keys first appear; a row without a key has an empty cell.
fn render(rows: &[&Map<String, Value>]) -> String {
    let mut columns: Vec<&str> = Vec::new();
    for row in rows {
        for key in row.keys() {
            if !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| columns.iter().map(|c| row.get(*c).map(cell).unwrap_or_default()).collect())
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| cells.iter().map(|r| r[i].width()).chain([c.width()]).max().unwrap_or(0))
        .collect();
    let line = |values: &[String]| {
        let padded: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v}{}", " ".repeat(w.saturating_sub(v.width()))))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let header: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
    std::iter::once(line(&header)).chain(cells.iter().map(|r| line(r))).collect::<Vec<_>>().join("\n")
}

/// A value as a cell: text as it is, nested values as JSON, cut to [`CELL_WIDTH`] columns;
/// line breaks and tabs as spaces.
fn cell(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let text = text.replace(['\n', '\r', '\t'], " ");
    if text.width() <= CELL_WIDTH {
        return text;
    }
    let mut cut = String::new();
    for c in text.chars() {
        if cut.width() + c.to_string().width() > CELL_WIDTH - 1 {
            break;
        }
        cut.push(c);
    }
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Format, write};

    fn printed(answer: &serde_json::Value, format: Format) -> String {
        let mut out = Vec::new();
        write(answer, format, &mut out).expect("written to memory");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn json_is_one_line_and_pretty_is_indented() {
        let answer = json!({"card_id": "p1", "codes": ["a", "b"]});
        assert_eq!(printed(&answer, Format::Json), "{\"card_id\":\"p1\",\"codes\":[\"a\",\"b\"]}\n");
        assert!(printed(&answer, Format::Pretty).contains("\n  \"card_id\": \"p1\""));
    }

    #[test]
    fn a_list_becomes_rows_under_the_keys_of_its_objects() {
        let answer = json!({
            "total_num": 2,
            "order_list": [
                {"order_id": "1", "status": "PAID", "fee": 100},
                {"order_id": "22", "fee": 5, "openid": "o卡"},
            ],
        });
        // serde_json's objects keep their keys sorted: the first row's, then new ones.
        let expected = "FEE  ORDER_ID  STATUS  OPENID\n\
                        100  1         PAID\n\
                        5    22                o卡\n";
        assert_eq!(printed(&answer, Format::Table), expected);
    }

    #[test]
    fn an_answer_without_a_list_is_a_row_per_field_and_long_cells_are_cut() {
        let long = "x".repeat(60);
        let answer = json!({"ticket": long, "expire": 7200, "nested": {"a": [1]}});
        let table = printed(&answer, Format::Table);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["FIELD", "VALUE"]);
        assert_eq!(lines[1].split_whitespace().collect::<Vec<_>>(), ["expire", "7200"]);
        assert!(lines[2].ends_with("{\"a\":[1]}"), "{table}");
        assert!(lines[3].starts_with("ticket  ") && lines[3].ends_with('…'), "{table}");
        assert_eq!(lines[3].chars().filter(|c| *c == 'x').count(), 47, "{table}");
    }
}
