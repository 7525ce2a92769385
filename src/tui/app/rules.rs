//! The rules panel: suggesting, editing and checking DQDL rules.

use super::*;

impl App {
    // -----------------------------------------------------------------------------
    // Rules

    pub(in crate::tui) fn accept_rule(&mut self) {
        let r = &mut self.state.rules;
        let n = r.ruleset.rules.items.len();
        let Some(i) = r.selected.checked_sub(n) else {
            self.state.message = Some(info("select a suggested rule to accept"));
            return;
        };
        if r.error.is_some() {
            self.state.message = Some(error(
                "the rules have a DQDL error: fix it first (E edits the rules)",
            ));
            return;
        }
        if i >= r.suggestions.len() {
            return;
        }
        let s = r.suggestions.remove(i);
        let mut rs = r.ruleset.clone();
        rs.rules.items.push(s.entry);
        r.set_text(dqdl::print(&rs));
        // The next suggestion (the accepted rule now sits above them).
        r.selected = n + 1 + i.min(r.suggestions.len().saturating_sub(1));
        self.state.message = Some(info(&format!("accepted: {}", s.text)));
    }

    pub(in crate::tui) fn accept_all_rules(&mut self) {
        let r = &mut self.state.rules;
        if r.suggestions.is_empty() {
            self.state.message = Some(info("no suggested rules (s suggests)"));
            return;
        }
        if r.error.is_some() {
            self.state.message = Some(error(
                "the rules have a DQDL error: fix it first (E edits the rules)",
            ));
            return;
        }
        let n = r.suggestions.len();
        let mut rs = r.ruleset.clone();
        rs.rules
            .items
            .extend(r.suggestions.drain(..).map(|s| s.entry));
        r.set_text(dqdl::print(&rs));
        r.selected = 0;
        self.state.message = Some(info(&format!("accepted {n} suggested rule(s)")));
    }

    pub(in crate::tui) fn reject_rule(&mut self) {
        let r = &mut self.state.rules;
        let n = r.ruleset.rules.items.len();
        match r.selected.checked_sub(n) {
            Some(i) if i < r.suggestions.len() => {
                let s = r.suggestions.remove(i);
                self.state.message = Some(info(&format!("rejected: {}", s.text)));
            }
            _ => {
                self.state.message = Some(info(
                    "select a suggested rule to reject (d deletes an accepted rule)",
                ))
            }
        }
    }

    pub(in crate::tui) fn delete_rule(&mut self) {
        let r = &mut self.state.rules;
        let n = r.ruleset.rules.items.len();
        if r.selected >= n {
            return self.reject_rule();
        }
        if r.error.is_some() {
            self.state.message = Some(error(
                "the rules have a DQDL error: fix it first (E edits the rules)",
            ));
            return;
        }
        let mut rs = r.ruleset.clone();
        let entry = rs.rules.items.remove(r.selected);
        r.set_text(
            if rs.rules.items.is_empty() && rs.analyzers.items.is_empty() {
                String::new()
            } else {
                dqdl::print(&rs)
            },
        );
        self.state.message = Some(info(&format!("deleted rule: {}", entry.rule)));
    }

    pub(in crate::tui) fn edit_rule(&mut self) {
        let r = &self.state.rules;
        if r.is_empty() {
            self.popup = Some(Popup::Rules(popups::rules_editor::RulesEditor::new(
                &r.text,
            )));
            return;
        }
        let n = r.ruleset.rules.items.len();
        let (target, text) = if r.selected < n {
            if r.error.is_some() {
                self.state.message = Some(error(
                    "the rules have a DQDL error: fix it first (E edits the rules)",
                ));
                return;
            }
            (
                RuleTarget::Rule(r.selected),
                r.ruleset.rules.items[r.selected].rule.to_string(),
            )
        } else {
            let i = r.selected - n;
            (RuleTarget::Suggestion(i), r.suggestions[i].text.clone())
        };
        self.popup = Some(Popup::Rule(popups::rule_edit::RuleEdit::new(target, &text)));
    }

    /// Save an edited rule, or accept a suggestion as edited (from the rule editor;
    /// `text` is the rule as typed, for the message).
    pub(in crate::tui) fn save_rule(&mut self, target: RuleTarget, entry: RuleEntry, text: &str) {
        let rules = &mut self.state.rules;
        if rules.error.is_some() {
            self.state.message = Some(error(
                "the rules have a DQDL error: fix it first (E edits the rules)",
            ));
            return;
        }
        let mut rs = rules.ruleset.clone();
        match target {
            RuleTarget::Rule(i) => {
                if let Some(old) = rs.rules.items.get_mut(i) {
                    let comments = std::mem::take(&mut old.comments);
                    *old = entry;
                    if old.comments.is_empty() {
                        old.comments = comments;
                    }
                }
            }
            RuleTarget::Suggestion(i) => {
                if i < rules.suggestions.len() {
                    let s = rules.suggestions.remove(i);
                    let mut entry = entry;
                    if entry.comments.is_empty() {
                        // The suggestion's comment explains the rule as suggested; an
                        // edited rule says what it was edited from instead.
                        entry.comments = if entry.rule == s.entry.rule {
                            s.entry.comments
                        } else {
                            vec![format!(" edited from the suggestion: {}", s.entry.rule)]
                        };
                    }
                    rs.rules.items.push(entry);
                }
            }
        }
        rules.set_text(dqdl::print(&rs));
        self.state.message = Some(info(&format!("rule saved: {text}")));
    }

    pub(in crate::tui) fn suggest_rules(&mut self) {
        let Some((f, _)) = self.state.view_frame() else {
            return;
        };
        let key = self.state.view_key();
        self.state.paused.remove(&(JobKind::Suggest, key));
        let dataset = self.state.title.clone();
        self.start(
            Job::Suggest {
                key,
                df: f.df.clone(),
                dataset,
            },
            key,
        );
    }

    /// The data in view, the selected rule and its result there; says why not when
    /// the rules are still being checked.
    fn selected_result(&mut self) -> Option<(FrameKey, usize, crate::quality::RuleResult)> {
        let key = self.state.view_key();
        let r = &self.state.rules;
        let i = r.selected;
        match r.result(key, i) {
            Some(result) => Some((key, i, result.clone())),
            None => {
                self.state.message = Some(info("the rules are still being checked"));
                None
            }
        }
    }

    pub(in crate::tui) fn filter_failing(&mut self) {
        let Some((key, i, result)) = self.selected_result() else {
            return;
        };
        let r = &self.state.rules;
        if result.failing_rows.unwrap_or(0) == 0 {
            let why = if result.failing_rows.is_none() {
                "it is not a row-level rule"
            } else {
                "no row fails it"
            };
            self.state.message = Some(info(&format!("nothing to filter: {why}")));
            return;
        }
        let mut rs = r.combined();
        let entry = rs.rules.items[i].clone();
        // The rule's (first) column comes into view with its failing rows.
        let column = entry
            .rule
            .leaves()
            .into_iter()
            .find_map(|leaf| leaf.params.first().and_then(|p| rs.param_text(p)))
            .map(str::to_string);
        rs.rules.items = vec![entry];
        let label = format!("{} {}", result.name, result.rule);
        let Some((f, _)) = self.state.view_frame() else {
            return;
        };
        if let Some(c) = column.and_then(|c| f.columns.iter().position(|x| x.name == c)) {
            self.state.grid.col = c;
            self.scroll_into_view();
        }
        self.start(
            Job::Failing {
                key,
                label,
                ruleset: rs,
                df: f.df.clone(),
            },
            key,
        );
    }

    /// Propose fix steps for the selected rule, when it fails on the data in view.
    pub(in crate::tui) fn fix_rule(&mut self) {
        let Some((_, i, result)) = self.selected_result() else {
            return;
        };
        let r = &self.state.rules;
        if result.outcome == crate::quality::Outcome::Passed {
            self.state.message = Some(info("the rule passes: nothing to fix"));
            return;
        }
        let status = match (&result.message, result.failing_rows) {
            (Some(m), _) => m.clone(),
            (None, Some(n)) => format!("{n} failing rows"),
            (None, None) => "fails".into(),
        };
        let rule_text = format!("{} {}", result.name, result.rule);
        let rs = r.combined();
        let Some(entry) = rs.rules.items.get(i) else {
            return;
        };
        let Some((f, _)) = self.state.view_frame() else {
            return;
        };
        let fixes = crate::tui::fixes::propose(&rs, &entry.rule, &f.df);
        if fixes.is_empty() {
            self.state.message = Some(info(
                "no fix step is known for this rule: f shows its failing rows, e edits it",
            ));
            return;
        }
        self.popup = Some(Popup::Fixes(popups::fixes::FixesPopup {
            rule: rule_text,
            status,
            fixes,
            selected: 0,
        }));
    }
}
