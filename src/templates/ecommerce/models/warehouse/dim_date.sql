/*---
materialized: table
description: >
  One row per calendar day from 1 January 1990 to 31 December 2059 (change first_year and
  last_year below): a fixed calendar rather than one that follows the data, so it never changes
  between runs and every pack that defines it builds the same table. Fiscal years start on
  1 February (change fiscal_start_month below) and are named after the calendar year they start in.
  Holidays are the US federal holidays, on their calendar day (no weekend shift), from the year
  each was first observed on its present date.
columns:
  date_key: yyyymmdd as an integer, the key facts carry.
  date_day: The day.
  year: Calendar year.
  quarter: Calendar quarter 1-4.
  month: Month 1-12.
  month_name: January ... December.
  month_start: First day of the month.
  week_start: Monday of the ISO week.
  iso_year: ISO-8601 week-numbering year.
  iso_week: ISO-8601 week 1-53.
  day_of_month: Day 1-31.
  day_of_week: ISO day of week, 1 = Monday ... 7 = Sunday.
  day_name: Monday ... Sunday.
  day_of_year: Day 1-366.
  is_weekend: Saturday or Sunday.
  is_holiday: A US federal holiday.
  holiday_name: Its name, null on other days.
  fiscal_year: Fiscal year, named after the calendar year it starts in.
  fiscal_quarter: Fiscal quarter 1-4.
  fiscal_month: Month of the fiscal year 1-12.
checks:
  - unique: date_key
---*/
with settings as (
  select 2 as fiscal_start_month, 1990 as first_year, 2059 as last_year
),

days as (
  select cast(g.d as date) as date_day
  from settings as s
  cross join generate_series(
    cast(cast(s.first_year as varchar) || '-01-01' as timestamp),
    cast(cast(s.last_year as varchar) || '-12-31' as timestamp),
    interval '1 day'
  ) as g(d)
),

parts as (
  select
    date_day,
    cast(extract(year from date_day) as integer) as year,
    cast(extract(quarter from date_day) as integer) as quarter,
    cast(extract(month from date_day) as integer) as month,
    cast(extract(day from date_day) as integer) as day_of_month,
    cast(extract(isodow from date_day) as integer) as day_of_week,
    cast(extract(doy from date_day) as integer) as day_of_year,
    cast(extract(week from date_day) as integer) as iso_week,
    cast(extract(isoyear from date_day) as integer) as iso_year
  from days
),

named as (
  select
    p.*,
    case
      when p.month = 1 and p.day_of_month = 1 then 'New Year''s Day'
      when p.month = 1 and p.day_of_week = 1 and p.day_of_month between 15 and 21 and p.year >= 1986 then 'Martin Luther King Jr. Day'
      when p.month = 2 and p.day_of_week = 1 and p.day_of_month between 15 and 21 and p.year >= 1971 then 'Presidents'' Day'
      when p.month = 5 and p.day_of_week = 1 and p.day_of_month >= 25 and p.year >= 1971 then 'Memorial Day'
      when p.month = 6 and p.day_of_month = 19 and p.year >= 2021 then 'Juneteenth'
      when p.month = 7 and p.day_of_month = 4 then 'Independence Day'
      when p.month = 9 and p.day_of_week = 1 and p.day_of_month <= 7 then 'Labor Day'
      when p.month = 10 and p.day_of_week = 1 and p.day_of_month between 8 and 14 and p.year >= 1971 then 'Columbus Day'
      when p.month = 11 and p.day_of_month = 11 and p.year not between 1971 and 1977 then 'Veterans Day'
      when p.month = 11 and p.day_of_week = 4 and p.day_of_month between 22 and 28 then 'Thanksgiving Day'
      when p.month = 12 and p.day_of_month = 25 then 'Christmas Day'
    end as holiday_name,
    mod(p.month - s.fiscal_start_month + 12, 12) + 1 as fiscal_month,
    p.year - case when p.month < s.fiscal_start_month then 1 else 0 end as fiscal_year
  from parts as p
  cross join settings as s
)

select
  year * 10000 + month * 100 + day_of_month as date_key,
  date_day,
  year,
  quarter,
  month,
  case month
    when 1 then 'January' when 2 then 'February' when 3 then 'March' when 4 then 'April'
    when 5 then 'May' when 6 then 'June' when 7 then 'July' when 8 then 'August'
    when 9 then 'September' when 10 then 'October' when 11 then 'November' else 'December'
  end as month_name,
  cast(date_trunc('month', date_day) as date) as month_start,
  cast(date_trunc('week', date_day) as date) as week_start,
  iso_year,
  iso_week,
  day_of_month,
  day_of_week,
  case day_of_week
    when 1 then 'Monday' when 2 then 'Tuesday' when 3 then 'Wednesday' when 4 then 'Thursday'
    when 5 then 'Friday' when 6 then 'Saturday' else 'Sunday'
  end as day_name,
  day_of_year,
  day_of_week >= 6 as is_weekend,
  holiday_name is not null as is_holiday,
  holiday_name,
  fiscal_year,
  cast(floor((fiscal_month - 1) / 3.0) as integer) + 1 as fiscal_quarter,
  fiscal_month
from named
