//! The benchmark pipeline (bench/recipe.json) written by hand in polars, the way a
//! polars user would: the baseline `wort run` is compared against.
//!
//!     cargo run --release --example bench_polars -- IN.csv OUT.parquet

use polars::prelude::*;

fn main() -> PolarsResult<()> {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = match args.as_slice() {
        [_, i, o] => (i.clone(), o.clone()),
        _ => {
            eprintln!("usage: bench_polars IN.csv OUT.parquet");
            std::process::exit(2);
        }
    };
    let lf = LazyCsvReader::new(PlRefPath::new(input.as_str()))
        .with_has_header(true)
        .with_null_values(Some(NullValues::AllColumns(vec!["NA".into()])))
        .with_infer_schema_length(Some(10_000))
        .finish()?;
    let datetime = StrptimeOptions {
        format: Some("%Y-%m-%d %H:%M:%S".into()),
        strict: false,
        exact: true,
        cache: true,
    };
    let lf = lf
        .filter(col("dep_time").is_not_null())
        .with_columns([
            col("carrier")
                .str()
                .strip_chars(lit(NULL))
                .str()
                .to_uppercase()
                .alias("carrier"),
            col("arr_delay").fill_null(lit(0)).alias("arr_delay"),
            col("time_hour")
                .str()
                .to_datetime(Some(TimeUnit::Microseconds), None, datetime, lit("raise"))
                .alias("time_hour"),
        ])
        .with_columns([
            (col("distance") / col("air_time") * lit(60)).alias("speed_mph"),
            col("arr_delay").gt(lit(15)).alias("late"),
            col("time_hour")
                .dt()
                .month()
                .cast(DataType::Int32)
                .alias("trip_month"),
            col("passenger_email")
                .str()
                .replace_all(lit("@.*$"), lit("@redacted"), false)
                .alias("passenger_email"),
        ])
        .rename(["dep_delay"], ["departure_delay"], true)
        .drop(by_name(["notes"], true, false));
    lf.sink(
        SinkDestination::File {
            target: SinkTarget::Path(PlRefPath::new(output.as_str())),
        },
        FileWriteFormat::Parquet(Arc::new(ParquetWriteOptions::default())),
        UnifiedSinkArgs::default(),
    )?
    .collect_with_engine(Engine::Streaming)?;
    Ok(())
}
