//! The combine steps: join, union, sql.

use std::path::{Path, PathBuf};

use predicates::str::contains;

use crate::export::{Case, recipe_text};
use crate::{wort, write};

/// Spark parity cases over the messy file (`export::MESSY`): (name, recipe steps).
pub const CASES: &[(&str, &str)] = &[
    (
        "sql_filter_and_compute",
        r#"[{"op": "sql", "query": "SELECT id, upper(city) AS town, amount * 2 AS double_amount FROM data WHERE amount > 10"}]"#,
    ),
    (
        "sql_order_nulls_last",
        r#"[{"op": "sql", "query": "SELECT id, city, amount FROM data ORDER BY city, amount DESC, id"}]"#,
    ),
    (
        "sql_group_ordered",
        r#"[{"op": "sql", "query": "SELECT city, COUNT(*) AS n, SUM(qty) AS total FROM data GROUP BY city ORDER BY n DESC, city"}]"#,
    ),
];

const CITIES: &str = "\
city,state,population
new york,NY,8336817
boston,MA,675647
chicago,IL,2746388
boston,MA-dup,1
seattle,WA,737015
";

const MORE: &str = "\
id,name,city,amount,extra
21,zoe,seattle,3.5,x
22,yan,,NA,y
";

/// Spark parity cases over other inputs (files written into `dir`).
pub fn extra(dir: &Path) -> Vec<Case> {
    let data = write(dir, "messy.csv", crate::export::MESSY);
    let cities = write(dir, "cities.csv", CITIES);
    let more = write(dir, "more_rows.csv", MORE);
    let c = cities.display().to_string();
    let m = more.display().to_string();
    let mut out = Vec::new();
    for how in ["inner", "left", "right", "full", "semi", "anti"] {
        out.push(Case::new(
            &format!("join_{how}"),
            recipe_text(&format!(
                r#"[{{"op": "join", "right": "{c}", "on": "city", "how": "{how}"}}]"#
            )),
            vec![data.clone()],
        ));
    }
    out.push(Case::new(
        "join_right_on_suffix_then_steps",
        recipe_text(&format!(
            r#"[{{"op": "rename", "column": "city", "to": "town"}},
                {{"op": "join", "right": "{c}", "on": "town", "right_on": "city", "how": "left", "suffix": "_c"}},
                {{"op": "fill_missing", "column": "population", "strategy": "value", "value": 0}},
                {{"op": "dedupe", "columns": "town"}}]"#
        )),
        vec![data.clone()],
    ));
    out.push(Case::new(
        "union_two_files",
        recipe_text(&format!(
            r#"[{{"op": "union", "paths": ["{m}", "{c}"]}}, {{"op": "fill_missing", "column": "name", "strategy": "previous"}}]"#
        )),
        vec![data.clone()],
    ));
    out
}

/// `dir/left.csv`, `dir/right.csv` and a recipe `dir/r.json` of `steps`.
fn fixture(steps: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let left = write(
        dir.path(),
        "left.csv",
        "id,name,k\n1,a,x\n2,b,y\n3,c,\n4,d,x\n5,e,z\n",
    );
    write(
        dir.path(),
        "right.csv",
        "k,score,name\nx,10,X1\ny,20,Y\nx,11,X2\nw,99,W\n",
    );
    let recipe = write(dir.path(), "r.json", recipe_text(steps));
    (dir, left, recipe)
}

/// `wort run RECIPE DATA --dry-run` fails with exit 2 and `want` in its message.
fn refused(recipe: &Path, data: &Path, want: &str) {
    wort()
        .arg("run")
        .arg(recipe)
        .arg(data)
        .arg("--dry-run")
        .assert()
        .code(2)
        .stderr(contains(want));
}

/// `wort run RECIPE DATA -o OUT -q ARGS` succeeds.
fn run_ok(recipe: &Path, data: &Path, out: &Path, args: &[&str]) {
    wort()
        .arg("run")
        .arg(recipe)
        .arg(data)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .args(args)
        .assert()
        .success();
}

/// `wort run` of the fixture; the output CSV.
fn run_fixture(steps: &str, extra: &[&str]) -> String {
    let (dir, left, recipe) = fixture(steps);
    let out = dir.path().join("out.csv");
    run_ok(&recipe, &left, &out, extra);
    std::fs::read_to_string(out).expect("output")
}

#[test]
fn join_keeps_rows_as_each_kind_says_in_a_stable_order() {
    let join = |how: &str| {
        run_fixture(
            &format!(r#"[{{"op": "join", "right": "right.csv", "on": "k", "how": "{how}"}}]"#),
            &[],
        )
    };
    // Matches in the other file's order under each row; a missing key never matches;
    // the clashing `name` gets the suffix; the key comes out once.
    assert_eq!(
        join("inner"),
        "id,name,k,score,name_right\n1,a,x,10,X1\n1,a,x,11,X2\n2,b,y,20,Y\n4,d,x,10,X1\n4,d,x,11,X2\n"
    );
    assert_eq!(
        join("left"),
        "id,name,k,score,name_right\n1,a,x,10,X1\n1,a,x,11,X2\n2,b,y,20,Y\n3,c,,,\n4,d,x,10,X1\n4,d,x,11,X2\n5,e,z,,\n"
    );
    // Right: the other file's order; its key fills `k` where this table has no row.
    assert_eq!(
        join("right"),
        "id,name,k,score,name_right\n1,a,x,10,X1\n4,d,x,10,X1\n2,b,y,20,Y\n1,a,x,11,X2\n4,d,x,11,X2\n,,w,99,W\n"
    );
    assert_eq!(
        join("full"),
        "id,name,k,score,name_right\n1,a,x,10,X1\n1,a,x,11,X2\n2,b,y,20,Y\n3,c,,,\n4,d,x,10,X1\n4,d,x,11,X2\n5,e,z,,\n,,w,99,W\n"
    );
    assert_eq!(join("semi"), "id,name,k\n1,a,x\n2,b,y\n4,d,x\n");
    assert_eq!(join("anti"), "id,name,k\n3,c,\n5,e,z\n");
}

#[test]
fn join_problems_name_the_key_the_type_and_the_fix() {
    let (dir, left, _) = fixture("[]");
    let check = |steps: &str, want: &str| {
        let recipe = write(dir.path(), "bad.json", recipe_text(steps));
        refused(&recipe, &left, want);
    };
    check(
        r#"[{"op": "join", "right": "right.csv", "on": "kk", "how": "left"}]"#,
        "key \"kk\" is not a column of this table; did you mean \"k\"?",
    );
    check(
        r#"[{"op": "join", "right": "right.csv", "on": "id", "how": "left", "right_on": "k"}]"#,
        "key \"id\" is int here and \"k\" is text in right.csv; add a cast step",
    );
    check(
        r#"[{"op": "join", "right": "nowhere.csv", "on": "k", "how": "left"}]"#,
        "nowhere.csv does not exist",
    );
    check(
        r#"[{"op": "join", "right": "right.csv", "on": "k", "how": "left", "suffix": ""}]"#,
        "\"suffix\" is empty",
    );
    check(
        r#"[{"op": "join", "right": "right.csv", "on": ["k", "id"], "right_on": "k", "how": "left"}]"#,
        "\"on\" has 2 column(s) and \"right_on\" 1",
    );
}

#[test]
fn input_name_path_rebinds_a_joined_file_and_outputs_never_replace_it() {
    let (dir, left, recipe) =
        fixture(r#"[{"op": "join", "right": "right.csv", "on": "k", "how": "semi"}]"#);
    let other = write(dir.path(), "other.csv", "k,v\nz,1\n");
    let out = dir.path().join("o.csv");
    for name in ["right", "right.csv"] {
        run_ok(
            &recipe,
            &left,
            &out,
            &["--input", &format!("{name}={}", other.display())],
        );
        assert_eq!(
            std::fs::read_to_string(&out).expect("out"),
            "id,name,k\n5,e,z\n"
        );
    }
    wort()
        .arg("run")
        .arg(&recipe)
        .arg(&left)
        .arg("-o")
        .arg(&out)
        .args(["--input", "planes=x.csv"])
        .assert()
        .code(2)
        .stderr(contains(
            "the recipe reads no file called \"planes\"; it reads right.csv",
        ));
    let right = dir.path().join("right.csv");
    let before = std::fs::read(&right).expect("right");
    wort()
        .arg("run")
        .arg(&recipe)
        .arg(&left)
        .arg("-o")
        .arg(&right)
        .assert()
        .code(2)
        .stderr(contains("wort never writes over a file the command reads"));
    assert_eq!(std::fs::read(&right).expect("right"), before);
}

#[test]
fn union_appends_by_name_widens_numbers_and_refuses_text_with_numbers() {
    let (dir, left, _) = fixture("[]");
    write(dir.path(), "more.csv", "name,id,score\nf,6,1.5\ng,7,NA\n");
    write(dir.path(), "texts.csv", "id,name\nx8,h\n");
    let recipe = write(
        dir.path(),
        "u.json",
        recipe_text(
            r#"[{"op": "union", "paths": "more.csv"}, {"op": "derive", "column": "score2", "expr": "score * 2"}]"#,
        ),
    );
    let out = dir.path().join("u.csv");
    run_ok(&recipe, &left, &out, &[]);
    assert_eq!(
        std::fs::read_to_string(&out).expect("out"),
        "id,name,k,score,score2\n1,a,x,,\n2,b,y,,\n3,c,,,\n4,d,x,,\n5,e,z,,\n6,f,,1.5,3.0\n7,g,,,\n"
    );
    let bad = write(
        dir.path(),
        "bad.json",
        recipe_text(r#"[{"op": "union", "paths": "texts.csv"}]"#),
    );
    refused(
        &bad,
        &left,
        "column \"id\" is int before and text in texts.csv; add a cast step",
    );
}

#[test]
fn sql_step_reads_data_and_nothing_else() {
    let got = run_fixture(
        r#"[{"op": "sql", "query": "SELECT k, COUNT(*) AS n FROM data WHERE k IS NOT NULL GROUP BY k ORDER BY n DESC, k"}]"#,
        &[],
    );
    assert_eq!(got, "k,n\nx,2\ny,1\nz,1\n");
    let (dir, left, _) = fixture("[]");
    for (query, want) in [
        ("SELECT * FROM read_csv('/etc/passwd')", "read_csv"),
        (
            "SELECT * FROM other",
            "reads the table other, which is not one wort names: data",
        ),
        ("SELECT nope FROM data", "nope"),
        ("", "\"query\" is empty"),
    ] {
        let recipe = write(
            dir.path(),
            "q.json",
            recipe_text(&format!(
                r#"[{{"op": "sql", "query": {}}}]"#,
                serde_json::to_string(query).unwrap()
            )),
        );
        refused(&recipe, &left, want);
    }
}

/// flights joined with planes and airports, aggregated by SQL, against DuckDB.
#[test]
fn flights_joined_with_planes_and_airports_agree_with_duckdb() {
    let test = "flights_joined_with_planes_and_airports_agree_with_duckdb";
    let (Some(flights), Some(planes), Some(airports), Some(py)) = (
        crate::nycflights(test, "flights"),
        crate::nycflights(test, "planes"),
        crate::nycflights(test, "airports"),
        crate::duckdb_python(test),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let recipe = write(
        dir.path(),
        "r.json",
        recipe_text(&format!(
            r#"[{{"op": "join", "right": "{}", "on": "tailnum", "how": "left", "suffix": "_plane"}},
                {{"op": "join", "right": "{}", "on": "dest", "right_on": "faa", "how": "inner"}},
                {{"op": "sql", "query": "SELECT name, manufacturer, COUNT(*) AS n, SUM(seats) AS seats, AVG(arr_delay) AS delay FROM data GROUP BY name, manufacturer ORDER BY name, manufacturer"}}]"#,
            planes.display(),
            airports.display()
        )),
    );
    let out = dir.path().join("out.csv");
    run_ok(&recipe, &flights, &out, &[]);
    let script = r#"
import csv, sys, duckdb
flights, planes, airports, out = sys.argv[1:5]
want = duckdb.sql(f"""
  SELECT a.name, p.manufacturer, COUNT(*) AS n, SUM(p.seats) AS seats, AVG(f.arr_delay) AS delay
  FROM read_csv('{flights}', nullstr='NA') f
  LEFT JOIN read_csv('{planes}', nullstr='NA') p ON f.tailnum = p.tailnum
  JOIN read_csv('{airports}', nullstr='NA') a ON f.dest = a.faa
  GROUP BY a.name, p.manufacturer ORDER BY a.name, p.manufacturer NULLS LAST""").fetchall()
got = list(csv.reader(open(out)))[1:]
assert len(got) == len(want), (len(got), len(want))
def num(x):
    return None if x == "" else float(x)
for g, w in zip(got, want):
    assert g[0] == w[0] and (g[1] or None) == w[1], (g, w)
    assert int(g[2]) == w[2], (g, w)
    for a, b in ((num(g[3]), w[3]), (num(g[4]), w[4])):
        assert (a is None and b is None) or abs(a - b) <= 1e-9 * max(1, abs(b)), (g, w)
print(len(got))
"#;
    let n = crate::run_python(
        &py,
        script,
        &[
            flights.as_os_str(),
            planes.as_os_str(),
            airports.as_os_str(),
            out.as_os_str(),
        ],
    );
    assert!(n.trim().parse::<usize>().expect("count") > 100, "{n}");
}

#[test]
fn the_exported_job_names_the_joined_file_and_how_to_rebind_it() {
    let (dir, left, recipe) =
        fixture(r#"[{"op": "join", "right": "right.csv", "on": "k", "how": "left"}]"#);
    let other = write(dir.path(), "other.csv", "k,score,name\nx,1.5,X\n");
    let job = crate::stdout_of(
        wort()
            .arg("export")
            .arg(&recipe)
            .args(["--to", "pyspark", "--input"])
            .arg(&left)
            .arg(format!("right={}", other.display())),
    );
    let job = String::from_utf8(job).expect("utf8");
    let other = std::fs::canonicalize(&other).expect("path");
    assert!(
        job.contains("The recipe also reads right (TABLES below)"),
        "{job}"
    );
    assert!(
        job.contains(&format!("\"path\": \"{}\"", other.display())),
        "{job}"
    );
    // The rebound file's types: score is a float there.
    assert!(
        job.contains(r#"("score", "double""#) || job.contains(r#"("score", "string", "float"#),
        "{job}"
    );
    assert!(
        job.contains("df = join(df, table(\"right.csv\"), [\"k\"], [\"k\"], \"left\", \"_right\")")
    );
    // No SQL form: the query reads one table.
    wort()
        .arg("export")
        .arg(&recipe)
        .args(["--to", "sql", "--input"])
        .arg(&left)
        .assert()
        .code(2)
        .stderr(contains("does not register as a table"));
}

#[test]
fn databrew_join_and_union_import_and_run_on_local_copies() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let brew = write(d, "taxi_brew.json", crate::export::TAXI);
    let recipe = d.join("taxi.json");
    // TODAY has no equivalent: --partial imports the rest.
    wort()
        .arg("import")
        .arg(&brew)
        .arg("-o")
        .arg(&recipe)
        .arg("--partial")
        .assert()
        .success();
    let trips = write(
        d,
        "trips.csv",
        "VendorID,lpep_pickup_datetime,lpep_dropoff_datetime,PULocationID,DOLocationID,passenger_count,trip_distance,total_amount,extra\n\
         2,2024-01-01 00:10:00,2024-01-01 00:20:00,1,2,1,1.5,12.5,x\n\
         1,2024-01-01 01:00:00,2024-01-01 01:30:00,3,1,2,7.0,30.0,y\n",
    );
    let zones = write(
        d,
        "zones.csv",
        "LocationID,Borough,Zone\n1,EWR,Newark Airport\n2,Queens,Jamaica Bay\n",
    );
    let out = d.join("out.csv");
    run_ok(
        &recipe,
        &trips,
        &out,
        &["--input", &format!("taxi_zone_lookup={}", zones.display())],
    );
    // DataBrew keeps the columns each JOIN lists: the reference's second join does not
    // list pickup_zone, so it is gone, as in DataBrew; the extra column went at the first.
    assert_eq!(
        std::fs::read_to_string(&out).expect("out"),
        "VendorID,pickup_datetime,dropoff_datetime,PULocationID,DOLocationID,passenger_count,trip_distance,total_amount,dropoff_zone\n\
         2,2024-01-01T00:10:00,2024-01-01T00:20:00,1,2,1,1.5,12.5,Jamaica Bay\n\
         1,2024-01-01T01:00:00,2024-01-01T01:30:00,3,1,2,7.0,30.0,Newark Airport\n"
    );

    // UNION (the reference's shape): appended by name, then the target columns.
    let union = write(
        d,
        "union_brew.json",
        r#"[{"Action":{"Operation":"UNION","Parameters":{"datasetsColumns":"[[\"id\",\"name\"],[\"id\",null]]","secondaryDatasetNames":"[\"more\"]","secondaryInputs":"[{\"S3InputDefinition\":{\"Bucket\":\"b\",\"Key\":\"in/more.csv\"}}]","targetColumnNames":"[\"id\",\"name\"]"}}}]"#,
    );
    let recipe = d.join("union.json");
    wort()
        .arg("import")
        .arg(&union)
        .arg("-o")
        .arg(&recipe)
        .assert()
        .success();
    let base = write(d, "base.csv", "id,name,z\n1,a,q\n");
    let more = write(d, "more_local.csv", "id,w\n2,9\n");
    run_ok(
        &recipe,
        &base,
        &out,
        &["--input", &format!("more={}", more.display())],
    );
    assert_eq!(
        std::fs::read_to_string(&out).expect("out"),
        "id,name\n1,a\n2,\n"
    );
}

#[test]
fn a_join_preview_counts_the_rows_with_and_without_a_match_on_each_side() {
    use polars::prelude::*;
    let (dir, left, recipe) =
        fixture(r#"[{"op": "join", "right": "right.csv", "on": "k", "how": "left"}]"#);
    let recipe = wort::recipe::Recipe::load(&recipe).expect("recipe");
    let df = CsvReadOptions::default()
        .try_into_reader_with_file_path(Some(left))
        .expect("reader")
        .finish()
        .expect("csv");
    let schema = df.schema().as_ref().clone();
    let cx = wort::transform::ApplyCx {
        tables: Some(&recipe.files),
        ..wort::transform::ApplyCx::plain(&schema)
    };
    let lines = recipe.steps[0]
        .op
        .step()
        .preview(df.lazy(), &cx)
        .expect("preview");
    // x (twice) and y match; the missing key and z do not; w in right.csv matches nothing.
    assert_eq!(
        lines,
        [
            "rows of this table: 3 with a match, 2 without",
            "rows of right.csv: 3 with a match, 1 without"
        ]
    );
    drop(dir);
}

#[test]
fn the_join_form_completes_the_file_name_beside_the_recipe() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "planes.csv", "tailnum,seats\nN1,10\n");
    write(dir.path(), "places.csv", "faa,name\nJFK,x\n");
    std::fs::create_dir(dir.path().join("lookup")).expect("mkdir");
    write(
        &dir.path().join("lookup"),
        "airports.csv",
        "faa,name\nJFK,x\n",
    );
    let files = wort::recipe::Files::beside(&dir.path().join("data.recipe.json"));
    let schema = Schema::from_iter([Field::new("tailnum".into(), DataType::String)]);
    let spec = wort::tui::steps::spec("join").expect("join form");
    let mut form =
        wort::tui::popups::form::FormPopup::new(spec, schema, None, 1, None).with_files(files);
    let right = form
        .fields
        .iter()
        .position(|f| f.spec.name == "right")
        .expect("right field");
    let mut typed = |text: &str| {
        form.fields[right].input.set(text);
        form.completion(right)
    };
    // The first (by name) of the files starting so, beside where the recipe is saved.
    assert_eq!(typed("pla").as_deref(), Some("places.csv"));
    assert_eq!(typed("plan").as_deref(), Some("planes.csv"));
    assert_eq!(typed("lookup/a").as_deref(), Some("lookup/airports.csv"));
    assert_eq!(typed("nothing"), None);
    // A name typed in full needs no completion.
    assert_eq!(typed("planes.csv"), None);
}
