/*---
materialized: scd2
description: >
  Products with history (SCD type 2). A price change, a re-categorisation or a discontinuation
  opens a new version valid from the change's updated_at, so an order line joins the price and
  category in force when it was sold. product_id 0 is the unknown member facts point at when a
  product id is not in the catalogue; it is there once the products feed or the order_lines feed
  has delivered (lines may name products no catalogue holds).
unique_key: product_id
load_date_column: load_date
valid_from_column: updated_at
columns:
  product_sk: Surrogate key of the version (md5 of product_id and valid_from).
  product_id: Natural key; 0 for the unknown member.
  sku: Stock keeping unit.
  product_name: Title.
  category: Normalised category.
  department: Group of categories.
  subcategory: Sub-department.
  brand: Brand.
  price: List price of the version, USD.
  cost: Unit cost of the version, USD.
  status: active or discontinued.
  launched_date: Day the product was first sold.
  updated_at: When the source wrote this version.
  load_date: Load date of the file that brought it.
  valid_from: Start of the version.
  valid_to: End of the version; null while current.
  is_current: True for the version in force now.
  strata_load_date: Load date whose run created the version.
checks:
  - not_null: product_id
---*/
select
  product_id, sku, product_name, category, department, subcategory, brand, price, cost, status,
  launched_date, updated_at, load_date
from {{ ref('stg_products') }}
union all
-- The unknown member is loaded with the first load date. A run from date D can only keep it when
-- no row is older than D (else its date is older too), so the member's branch asks for the rows
-- from D on and whether any row is older: both filters reach the scans, and a day's run does not
-- read the history to find a date it would drop anyway.
select
  0, 'UNKNOWN', 'Unknown product', 'unknown', 'Unknown', null, null, null, null, 'unknown',
  null, cast('1900-01-01 00:00:00' as timestamp), m.first_load
from (
  select coalesce(
    (select min(load_date) from {{ ref('stg_products') }} where load_date >= {{ date_from }}),
    (select min(load_date) from {{ ref('order_lines') }})
  ) as first_load
) as m
where m.first_load is not null
  and not exists (select 1 from {{ ref('stg_products') }} where load_date < {{ date_from }})
