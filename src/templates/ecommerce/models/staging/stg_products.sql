/*---
materialized: view
description: >
  Products, one row per product and load date (the newest change of that day), from the product
  files or, when the config names a product API, from the API. From the first load date the API
  serves a product, its rows come from the API (one per fetch): name, price and category as the
  API says, and the fields the API does not carry (sku, subcategory, brand, cost, status,
  launched date) from the newest product file up to that date, null when there is none (status
  'active': the API serves it). Before that date, and for products the API never served, the
  files' rows stand. Categories are normalised through the category_map seed (FakeStore's
  'jewelery' becomes 'jewelry', "men's clothing" becomes mens_clothing), text is trimmed.
columns:
  product_id: Natural key; the same id as the product API.
  sku: Stock keeping unit.
  product_name: Title, trimmed.
  category: Normalised category key (category_map.category); the source spelling when unmapped.
  department: Group of categories (category_map.department).
  subcategory: Sub-department.
  brand: Brand name.
  price: List price, USD.
  cost: Unit cost, USD.
  status: active or discontinued.
  launched_date: Day the product was first sold.
  updated_at: When this version was written; for a row from the API, the start of its load date.
  load_date: Load date of the file (or API fetch) that brought the change.
  from_api: True when the row came from the product API.
---*/
with api as (
  select
    a.id as product_id,
    trim(a.title) as product_name,
    lower(trim(a.category)) as source_category,
    a.price,
    a.load_date
  from {{ ref('products_api') }} as a
),

first_served as (
  select product_id, min(load_date) as first_date from api group by product_id
),

-- The newest product-file row of each product up to each API load date: what the API lacks.
file_fields as (
  select
    a.product_id,
    a.load_date,
    f.sku,
    f.subcategory,
    f.brand,
    f.cost,
    f.status,
    f.launched_date,
    row_number() over (
      partition by a.product_id, a.load_date order by f.load_date desc, f.updated_at desc
    ) as newest
  from api as a
  join {{ ref('products') }} as f on f.product_id = a.product_id and f.load_date <= a.load_date
),

rows_of_both as (
  select
    a.product_id,
    f.sku,
    a.product_name,
    a.source_category,
    f.subcategory,
    f.brand,
    a.price,
    f.cost,
    coalesce(f.status, 'active') as status,
    f.launched_date,
    cast(a.load_date as timestamp) as updated_at,
    a.load_date,
    true as from_api
  from api as a
  left join file_fields as f on f.product_id = a.product_id and f.load_date = a.load_date and f.newest = 1
  union all
  select
    p.product_id,
    p.sku,
    p.name,
    lower(trim(p.category)),
    p.subcategory,
    p.brand,
    p.price,
    p.cost,
    p.status,
    p.launched_date,
    p.updated_at,
    p.load_date,
    false
  from {{ ref('products') }} as p
  where not exists (
    select 1 from first_served as s where s.product_id = p.product_id and s.first_date <= p.load_date
  )
)

select
  r.product_id,
  trim(r.sku) as sku,
  trim(r.product_name) as product_name,
  coalesce(m.category, r.source_category) as category,
  coalesce(m.department, 'Other') as department,
  trim(r.subcategory) as subcategory,
  trim(r.brand) as brand,
  r.price,
  r.cost,
  r.status,
  r.launched_date,
  r.updated_at,
  r.load_date,
  r.from_api
from rows_of_both as r
left join {{ ref('category_map') }} as m on m.source_category = r.source_category
