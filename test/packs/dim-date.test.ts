import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestProject } from '../helpers/project.ts';

const templates = new URL('../../src/templates/', import.meta.url);
const dimDate = (pack: string) =>
  readFile(new URL(`${pack}/models/warehouse/dim_date.sql`, templates), 'utf8');

/**
 * Both packs define warehouse.dim_date; built into one database (the demo on PostgreSQL) the one
 * built last wins, which is harmless only while the two are the same fixed calendar.
 */
describe('dim_date, the calendar both packs share', () => {
  let project: TestProject;

  beforeAll(async () => {
    project = await TestProject.create({ 'models/warehouse/dim_date.sql': await dimDate('ecommerce') });
    const result = await project.run();
    expect(result.exitCode, JSON.stringify(result.summary.tasks.map((t) => t.error?.message))).toBe(0);
  });
  afterAll(async () => {
    await project?.dispose();
  });

  it('is the same model in every pack', async () => {
    expect(await dimDate('saas')).toBe(await dimDate('ecommerce'));
  });

  it('covers 1990 to 2059, one row per day, whatever data the project holds', async () => {
    expect(
      await project.query(`select count(*) as days, count(distinct date_key) as keys,
          cast(min(date_day) as varchar) as first_day, cast(max(date_day) as varchar) as last_day
        from warehouse.dim_date`),
    ).toEqual([{ days: 25567, keys: 25567, first_day: '1990-01-01', last_day: '2059-12-31' }]);
  });

  it('names the US federal holidays of a year, and only those observed on their present date that year', async () => {
    const holidays = (year: number) =>
      project.query(`select cast(date_day as varchar) as day, holiday_name from warehouse.dim_date
        where year = ${year} and is_holiday order by date_day`);
    expect(await holidays(2025)).toEqual([
      { day: '2025-01-01', holiday_name: "New Year's Day" },
      { day: '2025-01-20', holiday_name: 'Martin Luther King Jr. Day' },
      { day: '2025-02-17', holiday_name: "Presidents' Day" },
      { day: '2025-05-26', holiday_name: 'Memorial Day' },
      { day: '2025-06-19', holiday_name: 'Juneteenth' },
      { day: '2025-07-04', holiday_name: 'Independence Day' },
      { day: '2025-09-01', holiday_name: 'Labor Day' },
      { day: '2025-10-13', holiday_name: 'Columbus Day' },
      { day: '2025-11-11', holiday_name: 'Veterans Day' },
      { day: '2025-11-27', holiday_name: 'Thanksgiving Day' },
      { day: '2025-12-25', holiday_name: 'Christmas Day' },
    ]);
    // 2020: no Juneteenth yet (a federal holiday from 2021).
    expect((await holidays(2020)).map((h) => h.holiday_name)).toEqual([
      "New Year's Day",
      'Martin Luther King Jr. Day',
      "Presidents' Day",
      'Memorial Day',
      'Independence Day',
      'Labor Day',
      'Columbus Day',
      'Veterans Day',
      'Thanksgiving Day',
      'Christmas Day',
    ]);
  });

  it('puts ISO weeks and February fiscal years where the calendar does', async () => {
    expect(
      await project.query(`select date_key, iso_year, iso_week, day_of_week, fiscal_year, fiscal_quarter, fiscal_month
        from warehouse.dim_date where date_day in (date '2024-12-30', date '2025-01-31', date '2025-02-01') order by date_day`),
    ).toEqual([
      {
        date_key: 20241230,
        iso_year: 2025,
        iso_week: 1,
        day_of_week: 1,
        fiscal_year: 2024,
        fiscal_quarter: 4,
        fiscal_month: 11,
      },
      {
        date_key: 20250131,
        iso_year: 2025,
        iso_week: 5,
        day_of_week: 5,
        fiscal_year: 2024,
        fiscal_quarter: 4,
        fiscal_month: 12,
      },
      {
        date_key: 20250201,
        iso_year: 2025,
        iso_week: 5,
        day_of_week: 6,
        fiscal_year: 2025,
        fiscal_quarter: 1,
        fiscal_month: 1,
      },
    ]);
  });
});
