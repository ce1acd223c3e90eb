/**
 * The acceptance test of sources and contracts against the generator's defect manifest: generated
 * e-commerce and SaaS exports, one source per feed with the contract its feeds.ts description
 * gives, one run — then manifest.json, read on its own, says what strata must have found:
 *
 * - every injected record defect is quarantined with the right reason code on the right field, at
 *   the file and record position (and CSV line) the manifest gives, and nothing clean is;
 * - what a contract cannot see (duplicates, orphan keys, late records) is counted or staged;
 * - file-level defects show as schema drift, an empty load or nothing at all;
 * - received = staged + quarantined + duplicates for every source and date, and received is what
 *   the generator wrote;
 * - a second run over the same dates changes nothing;
 * - fatal defects fail their source's task, naming the file, while the other sources load.
 *
 * Two conventions differ and are mapped here, not "fixed": the manifest numbers list elements
 * from 0 (`items[0].quantity`, the generator's list index) where strata numbers them from 1 like
 * record positions (`items[1].quantity`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEFECT_KINDS, type DefectKind } from '../../src/generate/defects.ts';
import { ALL_FEEDS } from '../../src/generate/feeds.ts';
import { generate, type GenerateOptions } from '../../src/generate/index.ts';
import type { DefectEntry, Manifest } from '../../src/generate/manifest.ts';
import type { FeedSpec } from '../../src/generate/schema.ts';
import { feedSourceName, feedSources } from '../helpers/feed-contracts.ts';
import { TestProject } from '../helpers/project.ts';

/** Where the generator writes inside the project; the sources' globs point here. */
const DATA = 'data';

/**
 * Small and fixed: five days of both businesses at 1/100 of scale 1 with 2% defects. Seed 25
 * injects every default defect kind at least once (asserted below, so a generator change that
 * loses one is noticed rather than silently testing less).
 */
const GENERATED: Omit<GenerateOptions, 'out'> = {
  domain: 'all',
  start: '2025-03-01',
  days: 5,
  scale: 0.01,
  seed: 25,
  defects: 0.02,
  threads: 0,
};

/** The reason code each record defect must be quarantined with. */
const REASON: Partial<Record<DefectKind, string>> = {
  missing_required: 'missing_required',
  wrong_type: 'invalid_type',
  unparseable_date: 'invalid_type',
  unknown_enum: 'unknown_enum',
  negative_quantity: 'out_of_range',
  malformed_line: 'malformed_record',
};

const specOf = (feed: string): FeedSpec => {
  const spec = ALL_FEEDS.find((s) => `${s.domain}/${s.name}` === feed);
  if (!spec) throw new Error(`no feed ${feed}`);
  return spec;
};

/** The file as the project sees it (audit tables hold paths relative to the project). */
const projectPath = (manifestPath: string) => `${DATA}/${manifestPath}`;

/** The manifest's field in strata's naming: list elements numbered from 1. */
const strataField = (field: string | undefined) =>
  field === undefined ? '*' : field.replace(/\[(\d+)\]/, (_, index: string) => `[${Number(index) + 1}]`);

const at = (file: string, position: unknown) => `${file}#${Number(position)}`;

function configFor(specs: readonly FeedSpec[]): string {
  const config = { engine: { type: 'duckdb', path: 'warehouse.duckdb' }, sources: feedSources(specs, DATA) };
  return `import { defineConfig } from 'strata';\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`;
}

async function readManifest(project: TestProject): Promise<Manifest> {
  return JSON.parse(await readFile(join(project.dir, DATA, 'manifest.json'), 'utf8')) as Manifest;
}

interface BadRecord {
  source: string;
  file: string;
  position: number;
  line: number | null;
  field: string;
  reason: string;
}

async function badRecords(project: TestProject): Promise<BadRecord[]> {
  const rows = await project.query(
    `select source, source_file, record_position, source_line, field, reason_code
     from audit.bad_records order by source_file, record_position, field`,
  );
  return rows.map((r) => ({
    source: String(r.source),
    file: String(r.source_file),
    position: Number(r.record_position),
    line: r.source_line === null ? null : Number(r.source_line),
    field: String(r.field),
    reason: String(r.reason_code),
  }));
}

/** `file#position` of every staged record of the given feeds. */
async function stagedPositions(project: TestProject, specs: readonly FeedSpec[]): Promise<Set<string>> {
  const staged = new Set<string>();
  for (const spec of specs) {
    const rows = await project.query(
      `select _source_file, _record_position from staging.${feedSourceName(spec)}`,
    );
    for (const r of rows) staged.add(at(String(r._source_file), r._record_position));
  }
  return staged;
}

describe('generated exports with the defect manifest', () => {
  let project: TestProject;
  let manifest: Manifest;
  let firstRun: Awaited<ReturnType<TestProject['run']>>;
  const defects = (...kinds: DefectKind[]) => manifest.defects.filter((d) => kinds.includes(d.kind));
  const quarantinable = () => manifest.defects.filter((d) => REASON[d.kind] !== undefined);

  beforeAll(async () => {
    project = await TestProject.create({ 'strata.config.ts': configFor(ALL_FEEDS) });
    await generate({ ...GENERATED, out: join(project.dir, DATA) });
    manifest = await readManifest(project);
    firstRun = await project.run();
  });
  afterAll(async () => {
    await project?.dispose();
  });

  it('injects every default defect kind (or this test would check less than it claims)', () => {
    const injected = new Set(manifest.defects.map((d) => d.kind));
    expect(DEFAULT_DEFECT_KINDS.filter((kind) => !injected.has(kind))).toEqual([]);
    expect(defects(...(Object.keys(REASON) as DefectKind[])).some((d) => d.field?.includes('['))).toBe(true);
  });

  it('loads every source: record defects are quarantined, not fatal', () => {
    expect(firstRun.summary.tasks.filter((t) => t.status !== 'success')).toEqual([]);
    expect(firstRun.exitCode).toBe(0);
  });

  it('quarantines every damaged record with the reason its defect calls for, on its field, at its file and position', async () => {
    const found = await badRecords(project);
    const missed = quarantinable().filter(
      (d) =>
        !found.some(
          (b) =>
            b.file === projectPath(d.file) &&
            b.position === d.position &&
            b.field === strataField(d.field) &&
            b.reason === REASON[d.kind],
        ),
    );
    expect(missed).toEqual([]);
  });

  it('quarantines a malformed line as a whole record, and names the CSV line it is on', async () => {
    const found = await badRecords(project);
    const malformed = defects('malformed_line');
    expect(malformed.some((d) => d.line !== undefined)).toBe(true); // CSV ones among them
    for (const d of malformed) {
      const record = found.find((b) => b.file === projectPath(d.file) && b.position === d.position);
      expect(record, `${d.file}#${d.position}`).toMatchObject({ field: '*', reason: 'malformed_record' });
      if (d.line !== undefined) expect(record?.line, `${d.file}#${d.position}`).toBe(d.line);
    }
  });

  it('quarantines nothing clean: every quarantined record is one the manifest damaged', async () => {
    const damaged = new Set(quarantinable().map((d) => at(projectPath(d.file), d.position)));
    const clean = (await badRecords(project)).filter((b) => !damaged.has(at(b.file, b.position)));
    expect(clean).toEqual([]);
  });

  it('stages no quarantined record, and every record a contract cannot fault', async () => {
    const staged = await stagedPositions(project, ALL_FEEDS);
    const quarantined = quarantinable().filter((d) => staged.has(at(projectPath(d.file), d.position)));
    expect(quarantined).toEqual([]);
    // Orphan keys and late records are valid records: the warehouse's unknown members and date
    // checks see them, a contract cannot.
    const invisible = defects('orphan_fk', 'late_arriving');
    expect(invisible.filter((d) => !staged.has(at(projectPath(d.file), d.position)))).toEqual([]);
  });

  it('stages a late record under the load date of the file it arrived in, though it is dated earlier', async () => {
    for (const d of defects('late_arriving')) {
      const spec = specOf(d.feed);
      const [row] = await project.query(
        `select cast(load_date as varchar) as load_date, cast(cast(${spec.dateColumn} as date) as varchar) as dated
         from staging.${feedSourceName(spec)}
         where _source_file = '${projectPath(d.file)}' and _record_position = ${Number(d.position)}`,
      );
      const fileDate = manifest.files.find((f) => f.path === d.file)?.date;
      const originalDate = manifest.files.find((f) => f.path === d.original_file)?.date;
      expect(row, `${d.file}#${d.position}`).toEqual({ load_date: fileDate, dated: originalDate });
    }
  });

  it('counts duplicates per source and date, and quarantines none of them', async () => {
    const loads = await project.query(
      `select source, cast(load_date as varchar) as load_date, duplicates from audit.source_loads`,
    );
    for (const file of manifest.files) {
      const spec = specOf(file.feed);
      const injected = defects('duplicate').filter((d) => d.file === file.path).length;
      const load = loads.find((l) => l.source === feedSourceName(spec) && l.load_date === file.date);
      expect(Number(load?.duplicates), file.path).toBe(injected);
    }
    expect(defects('duplicate').length).toBeGreaterThan(0);
  });

  it('records schema drift per file: an extra column as unknown, a renamed one as unknown and missing', async () => {
    const files = await project.query(
      `select path, unknown_fields, missing_fields from audit.ingested_files
       where unknown_fields is not null or missing_fields is not null order by path`,
    );
    const expected = new Map<string, { path: string; unknown_fields: string[]; missing_fields: string[] }>();
    for (const d of defects('schema_drift_extra_column', 'schema_drift_renamed_field')) {
      const spec = specOf(d.feed);
      const entry = expected.get(d.file) ?? {
        path: projectPath(d.file),
        unknown_fields: [],
        missing_fields: [],
      };
      if (d.kind === 'schema_drift_extra_column') entry.unknown_fields.push(spec.extraColumn.name);
      else {
        entry.unknown_fields.push(spec.rename.to);
        entry.missing_fields.push(spec.rename.from);
      }
      expected.set(d.file, entry);
    }
    const list = (text: unknown) => (text === null ? [] : String(text).split(', ').sort());
    expect(
      files.map((f) => ({
        path: f.path,
        unknown_fields: list(f.unknown_fields),
        missing_fields: list(f.missing_fields),
      })),
    ).toEqual(
      [...expected.values()]
        .map((e) => ({
          ...e,
          unknown_fields: e.unknown_fields.sort(),
          missing_fields: e.missing_fields.sort(),
        }))
        .sort((a, b) => a.path.localeCompare(b.path)),
    );
  });

  it('loads an emptied file as zero records, and a file with a byte order mark like any other', async () => {
    const files = await project.query(`select path, status, records from audit.ingested_files`);
    const staged = await stagedPositions(project, ALL_FEEDS);
    const damaged = new Set(quarantinable().map((d) => at(projectPath(d.file), d.position)));
    // The first copy of a duplicated record gives way to the later one.
    const replaced = new Set(defects('duplicate').map((d) => at(projectPath(d.file), d.duplicate_of)));
    for (const d of defects('empty_file')) {
      expect(
        files.find((f) => f.path === projectPath(d.file)),
        d.file,
      ).toMatchObject({
        status: 'loaded',
        records: 0,
      });
    }
    for (const d of defects('utf8_bom')) {
      const rows = manifest.files.find((f) => f.path === d.file)?.rows;
      expect(
        files.find((f) => f.path === projectPath(d.file)),
        d.file,
      ).toMatchObject({
        status: 'loaded',
        records: rows,
      });
      // The mark does not stick to the first record (its first key or column name): unless the
      // manifest damaged it, it is staged (or gave way to a later copy of itself).
      const first = at(projectPath(d.file), 1);
      if (!damaged.has(first)) expect(staged.has(first) || replaced.has(first), d.file).toBe(true);
    }
  });

  it('accounts for every record: received = staged + quarantined + duplicates, and received is what was written', async () => {
    const loads = await project.query(
      `select source, cast(load_date as varchar) as load_date, received, staged, quarantined, duplicates, reconciled
       from audit.source_loads order by source, load_date`,
    );
    expect(loads).toHaveLength(manifest.files.length);
    const quarantinedAt = new Map<string, Set<number>>();
    for (const d of quarantinable()) {
      const positions = quarantinedAt.get(d.file) ?? new Set();
      positions.add(Number(d.position));
      quarantinedAt.set(d.file, positions);
    }
    for (const file of manifest.files) {
      const load = loads.find(
        (l) => l.source === feedSourceName(specOf(file.feed)) && l.load_date === file.date,
      );
      expect(load, file.path).toBeDefined();
      const [received, staged, quarantined, duplicates] = [
        load?.received,
        load?.staged,
        load?.quarantined,
        load?.duplicates,
      ].map(Number) as [number, number, number, number];
      expect({
        path: file.path,
        reconciled: load?.reconciled,
        sum: staged + quarantined + duplicates,
      }).toEqual({
        path: file.path,
        reconciled: true,
        sum: received,
      });
      // One file per feed and day: what the generator wrote is what strata received. (Blank lines
      // would not count on either side; the generator writes none.)
      expect(received, file.path).toBe(file.rows);
      expect(quarantined, file.path).toBe(quarantinedAt.get(file.path)?.size ?? 0);
    }
  });

  it('changes nothing when the same dates run again', async () => {
    const before = await project.checksums();
    const quarantined = (await badRecords(project)).length;
    const again = await project.run({ from: manifest.first_date, to: manifest.last_date });
    expect(again.exitCode).toBe(0);
    expect(await project.checksums()).toEqual(before);
    expect(await badRecords(project)).toHaveLength(quarantined);
    expect(
      await project.query(`select count(*) as n from audit.ingested_files where change <> 'new'`),
    ).toEqual([{ n: 0 }]);
  });
});

describe('generated exports with fatal defects', () => {
  let project: TestProject;
  let manifest: Manifest;
  let result: Awaited<ReturnType<TestProject['run']>>;

  beforeAll(async () => {
    project = await TestProject.create({ 'strata.config.ts': configFor(ALL_FEEDS) });
    // Seed 40 cuts an orders JSON array and a customers NDJSON file short, and drops the account
    // column from a subscriptions file and a (gzip) usage events file.
    await generate({
      ...GENERATED,
      days: 3,
      seed: 40,
      defectKinds: ['missing_required_column', 'truncated_file'],
      out: join(project.dir, DATA),
    });
    manifest = await readManifest(project);
    result = await project.run();
  });
  afterAll(async () => {
    await project?.dispose();
  });

  /** What a fatal defect does to its source's task. */
  function expectedFailure(d: DefectEntry): { code: string; mentions: string[] } | undefined {
    if (d.kind === 'missing_required_column') {
      return { code: 'SOURCE_COLUMN_MISSING', mentions: [projectPath(d.file), `"${d.field}"`] };
    }
    // A JSON array cannot be read past the cut; a line-oriented file loses only its last line.
    if (d.kind === 'truncated_file' && specOf(d.feed).format === 'json') {
      return { code: 'FILE_UNREADABLE', mentions: [projectPath(d.file)] };
    }
    return undefined;
  }

  it('fails the task of each source with a fatal file, naming the file, while the other sources load', () => {
    const fatal = manifest.defects.filter((d) => expectedFailure(d) !== undefined);
    expect(new Set(fatal.map((d) => d.kind))).toEqual(new Set(['missing_required_column', 'truncated_file']));
    const failing = new Map(fatal.map((d) => [feedSourceName(specOf(d.feed)), d]));
    for (const task of result.summary.tasks) {
      const defect = failing.get(task.task);
      // The gate of a failed source (its quarantine gate, at least) waits for it: skipped.
      if (task.task.endsWith(':checks') && failing.has(task.task.slice(0, -':checks'.length))) {
        expect(task.status, task.task).toBe('skipped');
        continue;
      }
      if (!defect) {
        expect(task, `${task.task}: ${task.error?.message ?? ''}`).toMatchObject({ status: 'success' });
        continue;
      }
      const expected = expectedFailure(defect);
      expect(task.status, task.task).toBe('failed');
      expect(task.error?.code, task.task).toBe(expected?.code);
      expect(task.error?.location.file, task.task).toBe(projectPath(defect.file));
      for (const text of expected?.mentions ?? []) expect(task.error?.message, task.task).toContain(text);
    }
    expect(result.exitCode).toBe(1);
  });

  it('records the fatal file as failed and keeps the source’s other files', async () => {
    for (const d of manifest.defects.filter((e) => expectedFailure(e) !== undefined)) {
      const spec = specOf(d.feed);
      expect(
        await project.query(
          `select status, error_code from audit.ingested_files where path = '${projectPath(d.file)}'`,
        ),
      ).toEqual([{ status: 'failed', error_code: expectedFailure(d)?.code }]);
      const otherDates = manifest.files.filter((f) => f.feed === d.feed && f.path !== d.file && f.rows > 0);
      const loaded = await project.query(
        `select distinct cast(load_date as varchar) as d from staging.${feedSourceName(spec)} order by 1`,
      );
      expect(loaded.map((r) => r.d)).toEqual(otherDates.map((f) => f.date).sort());
    }
  });

  it('quarantines the cut last line of a truncated line-by-line file, and nothing else', async () => {
    const truncatedLines = manifest.defects.filter(
      (d) => d.kind === 'truncated_file' && expectedFailure(d) === undefined,
    );
    expect(truncatedLines.length).toBeGreaterThan(0);
    expect(
      (await badRecords(project)).map((b) => ({ file: b.file, position: b.position, reason: b.reason })),
    ).toEqual(
      truncatedLines.map((d) => ({
        file: projectPath(d.file),
        position: d.position,
        reason: 'malformed_record',
      })),
    );
  });
});
