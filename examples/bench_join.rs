//! The join benchmark pipeline (bench/join_recipe.json) written by hand in polars, the
//! way a polars user would: the baseline `wort run` is compared against.
//!
//!     cargo run --release --example bench_join -- FLIGHTS.csv PLANES.csv OUT.parquet

use polars::prelude::*;

fn read(path: &str) -> PolarsResult<LazyFrame> {
    LazyCsvReader::new(PlRefPath::new(path))
        .with_has_header(true)
        .with_null_values(Some(NullValues::AllColumns(vec!["NA".into()])))
        .with_infer_schema_length(Some(10_000))
        .finish()
}

fn main() -> PolarsResult<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, flights, planes, output] = args.as_slice() else {
        eprintln!("usage: bench_join FLIGHTS.csv PLANES.csv OUT.parquet");
        std::process::exit(2);
    };
    let flights = read(flights)?;
    let planes = read(planes)?;
    let mut args = JoinArgs::new(JoinType::Left);
    args.suffix = Some("_plane".into());
    args.maintain_order = MaintainOrderJoin::Left;
    let lf = flights
        .join(planes, [col("tailnum")], [col("tailnum")], args)
        .filter(col("arr_delay").is_not_null())
        .with_column(col("manufacturer").fill_null(lit("unknown")))
        .group_by_stable([col("carrier"), col("manufacturer")])
        .agg([
            len().alias("flights"),
            col("arr_delay").mean().alias("mean_arr_delay"),
            col("seats").sum().alias("seats"),
        ])
        .sort_by_exprs(
            [col("flights"), col("carrier"), col("manufacturer")],
            SortMultipleOptions::default()
                .with_order_descending_multi([true, false, false])
                .with_nulls_last(true)
                .with_maintain_order(true),
        );
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
