import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run(`create table t as select * from (values
 (1::bigint, 9007199254740993::bigint, 0.10::decimal(18,2), -12.34::decimal(18,2), date '2024-02-29', timestamp '2024-03-01 10:11:12.345', true, 'a "q", b\nline ü', '{"a":1}'::json, 1.5::double, timestamptz '2024-01-01 00:00:00+00'),
 (2, null, null, null, null, null, null, null, null, null, null),
 (3, -5, 1234567890123456.78::decimal(18,2), 0, date '1900-01-01', timestamp '1970-01-01', false, '', null, null, null)) v(id, big, d, neg, dt, ts, b, s, j, f, tz)`);
try { await c.run(`copy (select * from t where id >= $1) to '/tmp/exp/p.csv' (format csv, header)`, [2]); console.log('params ok'); } catch(e) { console.log('params fail', e.message); }
await c.run(`copy t to '/tmp/exp/t.csv' (format csv, header)`);
await c.run(`copy t to '/tmp/exp/t.ndjson' (format json)`);
await c.run(`copy t to '/tmp/exp/t.json' (format json, array true)`);
await c.run(`copy t to '/tmp/exp/t.parquet' (format parquet)`);
const r = await c.runAndReadAll(`select current_setting('TimeZone') tz, version() v`); console.log(r.getRowObjectsJson());
