//! Tables for human output, with comfy-table.

use comfy_table::{ContentArrangement, Table};
use comfy_table::{LineStyle, TableStyle};

/// No borders; a line under the header only.
const HOUSE_STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' '));

/// A table in verbatim's house style; fits the terminal width when there is one.
pub fn new_table(headers: &[&str], width: Option<u16>) -> Table {
    let mut table = Table::new();
    table.load_style(HOUSE_STYLE);
    match width {
        Some(w) => {
            table.set_width(w);
            table.set_content_arrangement(ContentArrangement::Dynamic);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table.set_header(headers.to_vec());
    table
}
