/**
 * Rows per row group in the warehouse file: DuckDB's default is 122,880; strata attaches its file
 * with 20,480 (ten vectors of 2,048).
 *
 * Why: a checkpoint merges neighbouring row groups that would fit in fewer ("vacuum": up to three
 * row groups' worth of rows at once, decompressed and compressed again). Each commit's rows go
 * into a row group of their own, so a table appended a few tens of thousands of rows a day — raw,
 * staging and fact tables on an incremental day — keeps getting merged: with 122,880-row groups,
 * every row is rewritten about four times over a year of 20 k-row days (a simulation of DuckDB
 * 1.5's rule), in merges of up to 368 k rows that land in whichever commit crosses the checkpoint
 * threshold. On the scale-1 e-commerce day that was half the day's checkpoint work: one merge of
 * 357,710 raw.inventory records (their JSON decompressed and FSST-compressed again) cost 1.7 s of
 * the 3.6 s a single-threaded checkpoint of the whole day took. With 20,480-row groups a merge
 * holds at most 61,440 rows, and a day of 20 k rows is a row group no neighbour fits beside.
 * Appending the 30 days of raw.inventory, raw.events, staging.events and staging.inventory a load
 * date per commit, each followed by a checkpoint (one thread, CPU): checkpoints 15.1 s before,
 * 5.0 s after; the INSERTs 3.8 s before, 5.7 s after (a day over 20,480 rows now writes its full
 * groups during the INSERT, which also halves the day's write-ahead log: 64 MB to 36 MB, so fewer
 * commits cross the checkpoint threshold). A table of a few thousand rows a day gains nothing
 * (raw.orders, 7.7 k a day: 2.9 s before, 3.2 s after).
 *
 * The size is an option of the attach, not of the file: a warehouse written with larger row groups
 * keeps them (they are read as before, and never merged with the new ones), and its new rows go
 * into groups of this size. Smaller groups also let a date's rows be skipped by the zone maps and
 * make a DELETE of a whole load date empty whole groups, which a checkpoint drops without rewriting.
 */
export const DUCKDB_ROW_GROUP_SIZE = 20_480;

/** The options strata attaches its warehouse file with (after `ATTACH 'path' AS name`). */
export function duckDbAttachOptions(): string {
  return `(ROW_GROUP_SIZE ${DUCKDB_ROW_GROUP_SIZE})`;
}
