//! The form of one recipe step, built from the step catalogue (the recipe's JSON
//! Schema): prefilled from the focused column, checked with `recipe::validate` as you
//! type, with a preview of what the step does to the data before it is applied.

use std::sync::Arc;

use polars::prelude::Schema;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use serde_json::{Map, Value};

use super::{Outcome, above_footer, cut, footer, frame_box, hint};
use crate::recipe::{self, Step};
use crate::transform::{Kind, Op, OpParseError};
use crate::tui::action::Action;
use crate::tui::frames::FrameInfo;
use crate::tui::fuzzy;
use crate::tui::input::LineInput;
use crate::tui::steps::{FieldKind, FieldSpec, OpSpec};
use crate::tui::worker::Preview;
use crate::util::thousands;

/// One field being edited.
#[derive(Debug, Clone)]
pub struct FormField {
    pub spec: FieldSpec,
    pub input: LineInput,
    pub flag: bool,
    pub choice: usize,
    /// Prefilled from the `column` field (`to` as `<column>_new`...) and not edited
    /// since: it follows the column when that changes.
    pub derived: bool,
}

impl FormField {
    fn choices(&self) -> Vec<(String, Option<String>)> {
        match &self.spec.kind {
            FieldKind::Choice(c) if self.spec.required => c.clone(),
            FieldKind::Choice(c) => {
                let mut v = vec![("(default)".to_string(), None)];
                v.extend(c.iter().cloned());
                v
            }
            _ => Vec::new(),
        }
    }

    fn is_text(&self) -> bool {
        !matches!(self.spec.kind, FieldKind::Bool | FieldKind::Choice(_))
    }
}

/// The preview of the step on the data.
#[derive(Debug, Clone)]
pub enum PreviewState {
    None,
    Waiting,
    Ready(Preview, Option<Arc<FrameInfo>>),
    Failed(String),
}

/// A step form.
pub struct FormPopup {
    pub spec: &'static OpSpec,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// The step being edited (0-based), or None for a new step.
    pub editing: Option<usize>,
    /// Steps before this one: a new step is inserted here.
    pub position: usize,
    /// The schema the step sees.
    pub schema: Schema,
    /// Where the recipe's other files are (join, union), to check the step against.
    pub files: recipe::Files,
    pub columns: Vec<String>,
    pub problems: Vec<String>,
    /// The step, when it builds and validates.
    pub step: Option<Step>,
    last: Option<String>,
    pub generation: u64,
    pub preview: PreviewState,
    /// Enter was pressed once on a preview showing a large loss: the next applies.
    pub loss_confirmed: bool,
}

const WHERE: &str = "where";
const COMMENT: &str = "comment";

impl FormPopup {
    pub fn new(
        spec: &'static OpSpec,
        schema: Schema,
        focus_column: Option<String>,
        position: usize,
        edit: Option<(usize, Step)>,
    ) -> FormPopup {
        let columns: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
        let col = focus_column.unwrap_or_default();
        let numeric = schema
            .get(col.as_str())
            .is_some_and(|dt| dt.is_primitive_numeric());
        let mut specs = spec.fields.clone();
        if spec.kind != Kind::Structure {
            specs.push(FieldSpec {
                name: WHERE.into(),
                doc: Some(
                    "SQL condition: the step changes (or removes) only matching rows, e.g. dep_delay > 15 or \"Body Mass (g)\" IS NOT NULL (names with spaces in double quotes, text in single quotes)"
                        .into(),
                ),
                required: false,
                kind: FieldKind::Text,
                default: None,
            });
        }
        specs.push(FieldSpec {
            name: COMMENT.into(),
            doc: Some("a note for humans, kept in the recipe".into()),
            required: false,
            kind: FieldKind::Text,
            default: None,
        });
        let existing: Option<Map<String, Value>> = edit.as_ref().map(|(_, s)| {
            let mut m = match serde_json::to_value(&s.op) {
                Ok(Value::Object(m)) => m,
                _ => Map::new(),
            };
            if let Some(w) = &s.condition {
                m.insert(WHERE.into(), Value::from(w.clone()));
            }
            if let Some(c) = &s.comment {
                m.insert(COMMENT.into(), Value::from(c.clone()));
            }
            m
        });
        let fields = specs
            .into_iter()
            .map(|f| {
                let value = match &existing {
                    Some(m) => m.get(&f.name).cloned(),
                    None => prefill(&spec.name, &f, &col, numeric),
                };
                let derived = existing.is_none()
                    && !col.is_empty()
                    && is_derived(&spec.name, &f)
                    && value.is_some();
                let mut field = FormField {
                    spec: f,
                    input: LineInput::default(),
                    flag: false,
                    choice: 0,
                    derived,
                };
                if let Some(v) = value {
                    set_value(&mut field, &v);
                }
                field
            })
            .collect();
        FormPopup {
            files: recipe::Files::default(),
            spec,
            fields,
            focus: 0,
            editing: edit.map(|(i, _)| i),
            position,
            schema,
            columns,
            problems: Vec::new(),
            step: None,
            last: None,
            generation: 0,
            preview: PreviewState::None,
            loss_confirmed: false,
        }
    }

    /// The text of the `column` field (the one derived defaults follow), if the form has
    /// one that names a column.
    fn column_text(&self) -> Option<String> {
        // derive's `column` is the column it writes, not one it reads.
        if self.spec.name == "derive" {
            return None;
        }
        self.fields
            .iter()
            .find(|f| f.spec.name == "column" && f.spec.kind == FieldKind::Column && !f.derived)
            .map(|f| f.input.text().trim().to_string())
            .filter(|t| !t.is_empty())
    }

    /// Build the step from the fields.
    fn build(&self) -> Result<Step, Vec<String>> {
        let mut params = Map::new();
        let mut problems = Vec::new();
        let mut condition = None;
        let mut comment = None;
        for f in &self.fields {
            let text = f.input.text().trim().to_string();
            let name = f.spec.name.as_str();
            if name == WHERE {
                condition = (!text.is_empty()).then_some(text);
                continue;
            }
            if name == COMMENT {
                comment = (!text.is_empty()).then_some(f.input.text().to_string());
                continue;
            }
            let missing = |problems: &mut Vec<String>| {
                if f.spec.required {
                    problems.push(format!("{name}: required"));
                }
            };
            let value = match &f.spec.kind {
                FieldKind::Text => {
                    if f.input.text().is_empty() && !f.spec.required {
                        None
                    } else {
                        Some(Value::from(f.input.text()))
                    }
                }
                FieldKind::Column if text.is_empty() => {
                    missing(&mut problems);
                    None
                }
                FieldKind::Column => Some(Value::from(text)),
                FieldKind::Columns => {
                    let items: Vec<String> = text
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect();
                    match items.len() {
                        0 => {
                            missing(&mut problems);
                            None
                        }
                        1 => Some(Value::from(items[0].clone())),
                        _ => Some(Value::from(items)),
                    }
                }
                FieldKind::List { array_only } => {
                    if text.is_empty() {
                        missing(&mut problems);
                        None
                    } else if text.starts_with('[') {
                        match serde_json::from_str::<Vec<String>>(&text) {
                            Ok(v) => Some(Value::from(v)),
                            Err(_) => {
                                problems.push(format!(
                                    "{name}: write a JSON list of strings, like [\"%d/%m/%Y\", \"%Y-%m-%d\"]"
                                ));
                                None
                            }
                        }
                    } else if *array_only {
                        Some(Value::from(
                            text.split(',')
                                .map(|s| s.trim().to_string())
                                .collect::<Vec<_>>(),
                        ))
                    } else if let Some(formats) = format_list(&text) {
                        Some(Value::from(formats))
                    } else {
                        Some(Value::from(text))
                    }
                }
                FieldKind::Integer if text.is_empty() => {
                    missing(&mut problems);
                    None
                }
                FieldKind::Integer => match text.parse::<i64>() {
                    Ok(n) => Some(Value::from(n)),
                    Err(_) => {
                        problems.push(format!("{name}: {text:?} is not a whole number"));
                        None
                    }
                },
                FieldKind::Number if text.is_empty() => {
                    missing(&mut problems);
                    None
                }
                FieldKind::Number => match text.parse::<f64>() {
                    Ok(n) => Some(Value::from(n)),
                    Err(_) => {
                        problems.push(format!("{name}: {text:?} is not a number"));
                        None
                    }
                },
                FieldKind::Bool => (f.flag || f.spec.required).then_some(Value::from(f.flag)),
                FieldKind::Choice(_) => {
                    let choices = f.choices();
                    match choices.get(f.choice) {
                        Some((v, _)) if v != "(default)" => Some(Value::from(v.clone())),
                        _ => None,
                    }
                }
                FieldKind::Json => {
                    if f.input.text().is_empty() {
                        missing(&mut problems);
                        None
                    } else {
                        Some(json_or_text(f.input.text()))
                    }
                }
            };
            if let Some(v) = value {
                params.insert(name.to_string(), v);
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let op = Op::from_parts(&self.spec.name, Value::Object(params)).map_err(|e| match e {
            OpParseError::Params(m) => vec![m],
            OpParseError::UnknownOp => vec![format!("unknown step {}", self.spec.name)],
        })?;
        Ok(Step {
            op,
            condition,
            comment,
            disabled: false,
        })
    }

    /// The form for a recipe whose other files are in `files`.
    pub fn with_files(mut self, files: recipe::Files) -> FormPopup {
        self.files = files;
        self.recheck();
        // The check is new: the next refresh previews it.
        self.last = None;
        self
    }

    /// The first file whose name starts as the path being typed (the last of a
    /// comma-separated list), relative to where the recipe's other files are.
    fn path_completion(&self, text: &str) -> Option<String> {
        let typed = text.rsplit(',').next().unwrap_or("").trim_start();
        let (dir_part, prefix) = match typed.rfind('/') {
            Some(p) => (&typed[..=p], &typed[p + 1..]),
            None => ("", typed),
        };
        let dir = if std::path::Path::new(dir_part).is_absolute() {
            std::path::PathBuf::from(dir_part)
        } else {
            self.files.dir().join(dir_part)
        };
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.starts_with(prefix) && n != prefix && !n.starts_with('.'))
            .collect();
        names.sort();
        names.first().map(|n| format!("{dir_part}{n}"))
    }

    /// Rebuild and revalidate. Returns whether the step (or its problems) changed.
    pub fn recheck(&mut self) -> bool {
        let (step, problems) = match self.build() {
            Ok(step) => match recipe::validate(
                &recipe::Recipe::of_step_in(&step, &self.files),
                &self.schema,
            ) {
                Ok(_) => (Some(step), Vec::new()),
                Err(ps) => (None, ps.into_iter().map(|p| p.message).collect()),
            },
            Err(ps) => (None, ps),
        };
        let fingerprint = match &step {
            Some(s) => serde_json::to_string(s).unwrap_or_default(),
            None => problems.join("\n"),
        };
        let changed = self.last.as_deref() != Some(fingerprint.as_str());
        self.last = Some(fingerprint);
        self.step = step;
        self.problems = problems;
        changed
    }

    /// The column a column field would complete to.
    pub fn completion(&self, i: usize) -> Option<String> {
        let f = self.fields.get(i)?;
        if is_path_field(&f.spec.name) {
            return self.path_completion(f.input.text());
        }
        if !matches!(f.spec.kind, FieldKind::Column | FieldKind::Columns) {
            return None;
        }
        let text = f.input.text();
        let last = match f.spec.kind {
            FieldKind::Columns => text.rsplit(',').next().unwrap_or("").trim_start(),
            _ => text,
        };
        if last.is_empty() || self.columns.iter().any(|c| c == last) {
            return None;
        }
        fuzzy::rank(last, &self.columns)
            .first()
            .map(|i| self.columns[*i].clone())
    }

    fn complete(&mut self) -> bool {
        let i = self.focus;
        let Some(c) = self.completion(i) else {
            return false;
        };
        let f = &mut self.fields[i];
        let text = f.input.text().to_string();
        let list = f.spec.kind == FieldKind::Columns || f.spec.name == "paths";
        let new = match list {
            true => match text.rfind(',') {
                Some(p) => format!("{}, {c}", text[..p].trim_end()),
                None => c,
            },
            _ => c,
        };
        f.input.set(&new);
        true
    }
}

/// Fields that name files: `join`'s `right`, `union`'s `paths`.
fn is_path_field(name: &str) -> bool {
    matches!(name, "right" | "paths")
}

/// Plain text is a string; `12`, `true`, `null`, `"x"` are JSON.
fn json_or_text(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => v,
        Err(_) => Value::from(text),
    }
}

/// Put a JSON value into a field.
fn set_value(f: &mut FormField, v: &Value) {
    match (&f.spec.kind, v) {
        (FieldKind::Bool, Value::Bool(b)) => f.flag = *b,
        (FieldKind::Choice(_), Value::String(s)) => {
            if let Some(i) = f.choices().iter().position(|(c, _)| c == s) {
                f.choice = i;
            }
        }
        (_, Value::String(s)) => f.input.set(s),
        (FieldKind::Columns | FieldKind::List { array_only: true }, Value::Array(items)) => {
            let parts: Vec<String> = items
                .iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect();
            f.input.set(&parts.join(", "));
        }
        (FieldKind::List { array_only: false }, Value::Array(items))
            if items.len() > 1
                && items.iter().all(|x| {
                    x.as_str()
                        .is_some_and(|s| s.contains('%') && !s.contains(['|', ';']))
                }) =>
        {
            let parts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            f.input.set(&parts.join(" | "));
        }
        (_, Value::Null) => {}
        (_, other) => f.input.set(&other.to_string()),
    }
}

/// Several date formats typed in one field, separated by `|` or `;` (strftime formats
/// hold neither, while commas and spaces are common in them): each part must hold a
/// `%` directive, so other text (a regular expression with `|`) stays one string.
fn format_list(text: &str) -> Option<Vec<String>> {
    if !text.contains(['|', ';']) {
        return None;
    }
    let parts: Vec<String> = text
        .split(['|', ';'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (parts.len() > 1 && parts.iter().all(|p| p.contains('%'))).then_some(parts)
}

/// Whether `f`'s prefill is made from the column (and so should follow it).
fn is_derived(op: &str, f: &FieldSpec) -> bool {
    match (&f.kind, f.name.as_str()) {
        (FieldKind::Column, "column") => op == "derive",
        (FieldKind::Text, "to" | "expr") => true,
        (FieldKind::List { array_only: true }, "into") => true,
        _ => false,
    }
}

/// What a new step's field starts with, from the focused column.
fn prefill(op: &str, f: &FieldSpec, col: &str, numeric: bool) -> Option<Value> {
    let name = f.name.as_str();
    if col.is_empty() {
        return f.default.clone();
    }
    match (&f.kind, name) {
        (FieldKind::Column, "column") if op == "derive" => Some(Value::from(format!("{col}_new"))),
        (FieldKind::Column | FieldKind::Columns, _) => Some(Value::from(col)),
        (FieldKind::Text, "expr") => Some(Value::from(col)),
        (FieldKind::Text, "to") => Some(Value::from(match op {
            "rename" => col.to_string(),
            "duplicate" => format!("{col}_copy"),
            "flag_missing" => format!("{col}_missing"),
            "extract" => format!("{col}_part"),
            "date_part" => format!("{col}_part"),
            "outliers" => format!("{col}_outlier"),
            "merge" => "merged".to_string(),
            _ => format!("{col}_new"),
        })),
        (FieldKind::List { array_only: true }, "into") => {
            Some(Value::from(vec![format!("{col}_1"), format!("{col}_2")]))
        }
        (FieldKind::Choice(c), "strategy") if c.iter().any(|(v, _)| v == "median") => {
            Some(Value::from(if numeric { "median" } else { "value" }))
        }
        (FieldKind::Integer, _) if f.required => Some(f.default.clone().unwrap_or(Value::from(0))),
        _ => f.default.clone(),
    }
}

/// Handle an action. Enter asks the app to apply the step (`Action::ApplyForm`),
/// which closes the form, or leaves it open with the problems.
pub fn handle(form: &mut FormPopup, action: Action) -> Outcome {
    let n = form.fields.len();
    if action != Action::Confirm {
        form.loss_confirmed = false;
    }
    let column_before = form.column_text();
    let outcome = handle_field(form, action, n);
    // Defaults derived from the column follow it until the user edits them.
    let column = form.column_text();
    if column != column_before
        && let Some(c) = column
    {
        let numeric = form
            .schema
            .get(c.as_str())
            .is_some_and(|dt| dt.is_primitive_numeric());
        let op = form.spec.name.clone();
        for f in form.fields.iter_mut().filter(|f| f.derived) {
            if let Some(v) = prefill(&op, &f.spec, &c, numeric) {
                set_value(f, &v);
            }
        }
    }
    outcome
}

fn handle_field(form: &mut FormPopup, action: Action, n: usize) -> Outcome {
    match action {
        Action::Close => return Outcome::Close,
        Action::Confirm => {
            if let PreviewState::Ready(p, _) = &form.preview
                && p.large_loss()
                && !form.loss_confirmed
            {
                form.loss_confirmed = true;
                return Outcome::Keep;
            }
            return Outcome::apply(Action::ApplyForm);
        }
        Action::NextField | Action::Down => form.focus = (form.focus + 1) % n,
        Action::PageDown => form.focus = n.saturating_sub(1),
        Action::PageUp => form.focus = 0,
        Action::PrevField | Action::Up => form.focus = (form.focus + n - 1) % n,
        Action::Left | Action::Right => {
            let forward = action == Action::Right;
            let f = &mut form.fields[form.focus];
            match &f.spec.kind {
                FieldKind::Bool => f.flag = !f.flag,
                FieldKind::Choice(_) => {
                    let k = f.choices().len().max(1);
                    f.choice = if forward {
                        (f.choice + 1) % k
                    } else {
                        (f.choice + k - 1) % k
                    };
                }
                _ if forward && f.input.at_end() => {
                    form.complete();
                }
                _ if forward => f.input.right(),
                _ => f.input.left(),
            }
        }
        Action::Input(key) => {
            let f = &mut form.fields[form.focus];
            let space = key.code == ratatui::crossterm::event::KeyCode::Char(' ');
            match &f.spec.kind {
                FieldKind::Bool if space => f.flag = !f.flag,
                FieldKind::Choice(_) if space => {
                    let k = f.choices().len().max(1);
                    f.choice = (f.choice + 1) % k;
                }
                _ if f.is_text() && f.input.handle(&key) => f.derived = false,
                _ => {}
            }
        }
        _ => {}
    }
    Outcome::Keep
}

/// Draw the form.
pub fn render(frame: &mut Frame, area: Rect, form: &FormPopup) {
    let width = area.width.saturating_sub(4).clamp(20, 160);
    let preview_lines = preview_lines(form, width as usize - 4);
    // The step's doc and the focused field's doc are wrapped, not cut: the part that
    // says how to write a value is often at the end.
    let text_w = (width as usize).saturating_sub(2).max(1);
    let step_doc = wrapped(&form.spec.doc, text_w);
    let field_doc = wrapped(
        &form
            .fields
            .get(form.focus)
            .and_then(|f| f.spec.doc.clone())
            .unwrap_or_default(),
        text_w,
    );
    let extra = (step_doc.len() + field_doc.len()).saturating_sub(2) as u16;
    let height = (form.fields.len() as u16 + 9 + extra + preview_lines.len() as u16)
        .max(12)
        .min(area.height);
    let popup = super::centered(area, width, height);
    let what = match form.editing {
        Some(i) => format!("edit step {}", i + 1),
        None => format!("new step {}", form.position + 1),
    };
    let inner = frame_box(
        frame,
        popup,
        &format!("{} · {what} · {}", form.spec.name, form.spec.category),
    );
    let label_w = form
        .fields
        .iter()
        .map(|f| f.spec.name.len() + 1)
        .max()
        .unwrap_or(8)
        .max(8);
    let input_w = (inner.width as usize).saturating_sub(label_w + 3).max(4);
    let mut lines: Vec<Line> = step_doc
        .into_iter()
        .map(|l| Line::styled(l, hint()))
        .collect();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label = format!("{}{}", f.spec.name, if f.spec.required { "*" } else { "" });
        let label_style = if focused {
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let mut spans = vec![
            Span::styled(if focused { "▸ " } else { "  " }, label_style),
            Span::styled(format!("{label:<label_w$} "), label_style),
        ];
        match &f.spec.kind {
            FieldKind::Bool => spans.push(Span::raw(if f.flag { "[x]" } else { "[ ]" })),
            FieldKind::Choice(_) => {
                let choices = f.choices();
                let (v, doc) = choices.get(f.choice).cloned().unwrap_or_default();
                spans.push(Span::styled(
                    format!("‹ {v} ›"),
                    if focused {
                        Style::default().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::default()
                    },
                ));
                if let Some(d) = doc {
                    spans.push(Span::styled(format!("  {d}"), hint()));
                }
            }
            _ => {
                let ghost = if focused {
                    form.completion(i)
                        .map(|c| format!("  → {c}"))
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                let line = f.input.line(input_w, focused, &ghost);
                spans.extend(line.spans);
            }
        }
        lines.push(Line::from(spans));
    }
    lines.extend(field_doc.into_iter().map(|l| Line::styled(l, hint())));
    if form.problems.is_empty() {
        if form.step.is_some() {
            let loses = matches!(&form.preview, PreviewState::Ready(p, _) if p.large_loss());
            lines.push(Line::styled(
                if loses {
                    "✓ valid, but it loses data (see the preview)"
                } else {
                    "✓ valid: Enter applies"
                },
                Style::default().fg(Color::Green),
            ));
        }
    } else {
        for p in &form.problems {
            lines.push(Line::styled(
                format!("✗ {p}"),
                Style::default().fg(Color::Red),
            ));
        }
    }
    lines.extend(preview_lines);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        above_footer(inner),
    );
    footer(
        frame,
        inner,
        "Enter apply · Esc cancel · Tab/↑↓ field · ←→ choose · → at the end completes a column",
    );
}

/// `text` in lines of at most `width` columns (at least one line, maybe empty).
fn wrapped(text: &str, width: usize) -> Vec<String> {
    let lines: Vec<String> = textwrap::wrap(text, width)
        .into_iter()
        .map(|l| l.into_owned())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

fn preview_lines(form: &FormPopup, width: usize) -> Vec<Line<'static>> {
    let head = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = Vec::new();
    match &form.preview {
        PreviewState::None => {}
        PreviewState::Waiting => lines.push(Line::styled("Preview: computing…", hint())),
        PreviewState::Failed(e) => {
            lines.push(Line::styled(
                format!("Preview: {e}"),
                Style::default().fg(Color::Red),
            ));
        }
        PreviewState::Ready(p, _) => {
            lines.push(Line::styled("Preview", head));
            let red = Style::default().fg(Color::Red).add_modifier(Modifier::BOLD);
            for l in p.losses.iter().filter(|l| l.is_large()) {
                lines.push(Line::styled(
                    cut(&format!("  ⚠ {}", l.describe()), width),
                    red,
                ));
            }
            if p.large_loss() {
                let ask = if form.loss_confirmed {
                    "  press Enter again to apply anyway (Esc cancels)"
                } else {
                    "  this step loses data: Enter asks once more before applying"
                };
                lines.push(Line::styled(ask, red));
            }
            for l in p
                .losses
                .iter()
                .filter(|l| !l.is_large() && l.column.is_some())
            {
                lines.push(Line::raw(cut(&format!("  {}", l.describe()), width)));
            }
            let rows = if p.rows_after < p.rows_before {
                format!(
                    "  rows: {} → {} ({} removed)",
                    thousands(p.rows_before as u64),
                    thousands(p.rows_after as u64),
                    thousands((p.rows_before - p.rows_after) as u64)
                )
            } else if p.rows_after == p.rows_before {
                format!("  rows: {} (none removed)", thousands(p.rows_before as u64))
            } else {
                format!(
                    "  rows: {} → {}",
                    thousands(p.rows_before as u64),
                    thousands(p.rows_after as u64)
                )
            };
            lines.push(Line::raw(rows));
            if p.cols_after != p.cols_before || p.rows_after > p.rows_before {
                lines.push(Line::raw(format!(
                    "  shape: {} × {} → {} × {}",
                    thousands(p.rows_before as u64),
                    p.cols_before,
                    thousands(p.rows_after as u64),
                    p.cols_after
                )));
            }
            for n in &p.notes {
                lines.push(Line::raw(format!("  {}", cut(n, width.saturating_sub(2)))));
            }
            if !p.added.is_empty() {
                lines.push(Line::styled(
                    format!("  + columns: {}", p.added.join(", ")),
                    Style::default().fg(Color::Green),
                ));
                for s in p.added_summary.iter().take(4) {
                    lines.push(Line::raw(format!(
                        "    {}",
                        cut(s, width.saturating_sub(4))
                    )));
                }
            }
            if !p.removed.is_empty() {
                lines.push(Line::styled(
                    format!("  - columns: {}", p.removed.join(", ")),
                    Style::default().fg(Color::Red),
                ));
            }
            for (c, a, b) in &p.retyped {
                lines.push(Line::raw(format!("  {c}: {a} → {b}")));
            }
            let vw = width.saturating_sub(16) / 2;
            for c in p.changed.iter().take(3) {
                lines.push(Line::raw(format!(
                    "  {}: {} value(s) change",
                    c.column,
                    crate::util::thousands(c.count)
                )));
                for (row, before, after) in c.samples.iter().take(4) {
                    lines.push(Line::from(vec![
                        Span::styled(format!("    row {:<5} ", row + 1), hint()),
                        Span::styled(cut(before, vw), Style::default().fg(Color::Red)),
                        Span::raw(" → "),
                        Span::styled(cut(after, vw), Style::default().fg(Color::Green)),
                    ]));
                }
            }
            if p.changed.is_empty()
                && p.added.is_empty()
                && p.removed.is_empty()
                && p.retyped.is_empty()
                && p.rows_after == p.rows_before
                && !p.reordered
            {
                lines.push(Line::styled("  no change to the data", hint()));
            }
        }
    }
    lines
}
